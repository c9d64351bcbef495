import { ALL_ROLES, route } from '../route.js';
import { importedFileRows } from '../../import/rows.js';
import {
  caseFileBody, caseFileView, createdServiceRecordView, newServiceRecordBody, savedCaseFileView, serviceRecordIdParams, serviceRecordImportBody,
  serviceRecordImportView, serviceRecordListQuery, serviceRecordListView, serviceRecordRowSchema,
} from '../../schemas/service-record.js';
import { createServiceRecord, getCaseFileFor, importServiceRecords, listServiceRecordsFor, putCaseFileFor } from '../../services/service-record.js';

// Service records (专业服务): casework, group work and community work per station; residents served
// are counted from them. Case files (a resident's personal data) are for the station's lead and
// supervisors only, and every read is audited. Rules live in src/services/service-record.ts.

export const serviceRecordRoutes = [
  route({
    method: 'get',
    path: '/api/service-records',
    summary: 'Service records in your scope, newest first (viewers see counts, not workers, notes or evidence)',
    tag: 'service records',
    roles: ALL_ROLES,
    query: serviceRecordListQuery,
    response: serviceRecordListView,
    handler: async ({ deps, principal, query }) => listServiceRecordsFor(deps, principal, query),
  }),
  route({
    method: 'post',
    path: '/api/service-records',
    summary: 'Record a service (casework, group work or community work) of a station: residents served as counts, no identities',
    tag: 'service records',
    roles: ['admin', 'supervisor', 'station_lead', 'social_worker'],
    body: newServiceRecordBody,
    example: {
      id: 'sr-2027-03-08-wanmingyuan-1', communityId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', servedOn: '2027-03-08', kind: 'group', theme: 'elderly',
      title: { zh: '楼门长议事小组', en: 'Stairwell heads group' }, workerIds: ['w-wanmingyuan-sw1'], residentsServed: 12, newResidents: 3, volunteerHours: 6,
      projectId: 'vp-zhanlanlu-wanmingyuan-loudao', evidence: { note: 'Sign-in sheet', links: [] },
    },
    response: createdServiceRecordView,
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => createServiceRecord(deps, principal, body, requestId),
  }),
  route({
    method: 'post',
    path: '/api/service-records/import',
    summary: 'Import service records from a spreadsheet: { csv }, { xlsx } (base64) or a JSON array; a file with any bad row imports nothing and names each by line and field',
    tag: 'service records',
    roles: ['admin', 'supervisor', 'station_lead'],
    bodyLimit: '8mb',
    body: serviceRecordImportBody,
    example: { csv: 'communityId,servedOn,kind,theme,titleZh,residentsServed\ncn-bj-xicheng-zhanlanlu-wanmingyuan,2027-03-08,小组,elderly,楼门长议事小组,12\n' },
    response: serviceRecordImportView,
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => importServiceRecords(deps, principal, await importedFileRows(serviceRecordRowSchema, body), requestId),
  }),
  route({
    method: 'get',
    path: '/api/service-records/:recordId/case-file',
    summary: "A casework record's case file: a resident's personal data (the station's lead and supervisors; every read audited)",
    tag: 'service records',
    roles: ['supervisor', 'station_lead'],
    personalData: true,
    params: serviceRecordIdParams,
    response: caseFileView,
    handler: async ({ deps, principal, params }) => getCaseFileFor(deps, principal, params.recordId),
  }),
  route({
    method: 'put',
    path: '/api/service-records/:recordId/case-file',
    summary: "Write a casework record's case file (the station's lead and supervisors)",
    tag: 'service records',
    roles: ['supervisor', 'station_lead'],
    params: serviceRecordIdParams,
    body: caseFileBody,
    example: { residentName: '王某某', gender: '女', birthYear: 1942, needs: 'Lives alone; needs help with shopping', plan: 'Weekly visit by a volunteer' },
    response: savedCaseFileView,
    handler: async ({ deps, principal, params, body, requestId }) => putCaseFileFor(deps, principal, params.recordId, body, requestId),
  }),
];
