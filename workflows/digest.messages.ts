// The digest workflow's input and result. A Temporal Schedule per street (schedule id
// `digest:<streetId>`) starts one digest per period for street leadership and center supervisors.

export const DIGEST_WORKFLOW = 'digest';

export interface DigestInput {
  streetId: string;
  /** The period the digest is for (ISO instant); scheduled runs take their scheduled time. */
  period?: string;
}

export interface DigestResult {
  streetId: string;
  period: string;
  recipients: string[];
  /** Deliveries made now; an earlier attempt's deliveries count as `already`. */
  delivered: number;
  already: number;
}
