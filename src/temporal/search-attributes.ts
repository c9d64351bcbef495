import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// The project's custom search attributes, registered with the dev server at start and listed in
// docs/deployment.md for a cluster. Workflows import these keys to upsert typed values.
export const CommunityIdKey = defineSearchAttributeKey('CommunityId', SearchAttributeType.KEYWORD);
export const CycleIdKey = defineSearchAttributeKey('CycleId', SearchAttributeType.KEYWORD);
export const WorkerIdKey = defineSearchAttributeKey('WorkerId', SearchAttributeType.KEYWORD);
export const StageKey = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);
export const MilestoneKey = defineSearchAttributeKey('Milestone', SearchAttributeType.KEYWORD);

export const CUSTOM_SEARCH_ATTRIBUTES = [CommunityIdKey, CycleIdKey, WorkerIdKey, StageKey, MilestoneKey];
