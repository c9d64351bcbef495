import { ALL_ROLES, route } from '../route.js';
import {
  linkageIndexQuery, linkageIndexView, loggedHoursView, organisationBody, organisationIdParams, organisationListQuery, organisationListView, resourceBody,
  resourceIdParams, resourceListQuery, resourceListView, savedOrganisationView, savedResourceView, savedVolunteerView, volunteerBody,
  volunteerContactsQuery, volunteerContactsView, volunteerHoursBody, volunteerHoursQuery, volunteerHoursView, volunteerIdParams, volunteerListQuery,
  volunteerListView,
} from '../../schemas/five-party.js';
import {
  linkageIndexFor, listOrganisationsFor, listResourcesFor, listVolunteersFor, logVolunteerHoursFor, saveOrganisationFor, saveResourceFor,
  saveVolunteerFor, volunteerContactsFor, volunteerHoursFor,
} from '../../services/five-party.js';

// Five-party linkage (五社联动): social organisations, volunteers and their hours, charitable
// resources, and the linkage index. Viewers read the index only (aggregates, no names). A
// volunteer's name and phone come only from the contacts route: station leads and supervisors,
// every read audited. Rules live in src/services/five-party.ts.

const READERS = ['admin', 'supervisor', 'station_lead', 'social_worker'] as const;
const WRITERS = ['admin', 'supervisor', 'station_lead'] as const;
// Writing a volunteer writes personal data: the roles that may read it back.
const PERSONAL = ['supervisor', 'station_lead'] as const;
const WANMINGYUAN = 'cn-bj-xicheng-zhanlanlu-wanmingyuan';

const organisationExample = {
  orgUnitId: 'cn-bj-xicheng-zhanlanlu', name: { zh: '展览路为老服务社', en: 'Zhanlanlu elderly service agency' }, kind: 'social_service_agency',
  registrationNumber: '52110102MJ0000000X', contact: '010-00000000', services: ['上门探访', '助餐'], themes: ['elderly'], stationIds: [WANMINGYUAN],
};
const resourceExample = {
  orgUnitId: WANMINGYUAN, donor: '某慈善基金会', kind: 'money', amount: 20000, unit: '元', restrictions: 'For elderly residents living alone', receivedOn: '2027-03-01',
};

export const fivePartyRoutes = [
  route({
    method: 'get',
    path: '/api/social-organisations',
    summary: 'Social organisations registered in your scope or working with one of its stations',
    tag: 'five-party linkage',
    roles: READERS,
    query: organisationListQuery,
    response: organisationListView,
    handler: async ({ deps, principal, query }) => listOrganisationsFor(deps, principal, query),
  }),
  route({
    method: 'post',
    path: '/api/social-organisations',
    summary: 'Register a social organisation with the stations it works with',
    tag: 'five-party linkage',
    roles: WRITERS,
    body: organisationBody,
    example: organisationExample,
    response: savedOrganisationView,
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => saveOrganisationFor(deps, principal, body, undefined, requestId),
  }),
  route({
    method: 'put',
    path: '/api/social-organisations/:organisationId',
    summary: 'Change a social organisation (all its fields and stations)',
    tag: 'five-party linkage',
    roles: WRITERS,
    params: organisationIdParams,
    body: organisationBody,
    example: organisationExample,
    response: savedOrganisationView,
    handler: async ({ deps, principal, params, body, requestId }) => saveOrganisationFor(deps, principal, body, params.organisationId, requestId),
  }),
  route({
    method: 'get',
    path: '/api/volunteers',
    summary: "Volunteers of the stations in scope with their skills and hours in a month: no names or phones",
    tag: 'five-party linkage',
    roles: READERS,
    query: volunteerListQuery,
    response: volunteerListView,
    handler: async ({ deps, principal, query }) => listVolunteersFor(deps, principal, query),
  }),
  route({
    method: 'get',
    path: '/api/volunteers/contacts',
    summary: "Volunteers' names and phones: personal data (the station's lead and supervisors; every read audited)",
    tag: 'five-party linkage',
    roles: PERSONAL,
    personalData: true,
    query: volunteerContactsQuery,
    response: volunteerContactsView,
    handler: async ({ deps, principal, query }) => volunteerContactsFor(deps, principal, query),
  }),
  route({
    method: 'get',
    path: '/api/volunteers/hours',
    summary: 'Volunteer hours per month and station (of one volunteer if asked), summed in the store',
    tag: 'five-party linkage',
    roles: READERS,
    query: volunteerHoursQuery,
    response: volunteerHoursView,
    handler: async ({ deps, principal, query }) => volunteerHoursFor(deps, principal, query),
  }),
  route({
    method: 'post',
    path: '/api/volunteers',
    summary: "Register a volunteer of a station (the station's lead and supervisors: the name and phone are personal data)",
    tag: 'five-party linkage',
    roles: PERSONAL,
    body: volunteerBody,
    example: { communityId: WANMINGYUAN, name: '李某某', phone: '13800000000', skills: ['助老', '摄影'] },
    response: savedVolunteerView,
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => saveVolunteerFor(deps, principal, body, undefined, requestId),
  }),
  route({
    method: 'put',
    path: '/api/volunteers/:volunteerId',
    summary: "Change a volunteer (all fields; the station's lead and supervisors)",
    tag: 'five-party linkage',
    roles: PERSONAL,
    params: volunteerIdParams,
    body: volunteerBody,
    example: { communityId: WANMINGYUAN, name: '李某某', phone: '13800000000', skills: ['助老'], active: false },
    response: savedVolunteerView,
    handler: async ({ deps, principal, params, body, requestId }) => saveVolunteerFor(deps, principal, body, params.volunteerId, requestId),
  }),
  route({
    method: 'post',
    path: '/api/volunteers/:volunteerId/hours',
    summary: "Log a volunteer's hours to a service record of their station (no more than the record states) or to an activity",
    tag: 'five-party linkage',
    roles: ['supervisor', 'station_lead', 'social_worker'],
    params: volunteerIdParams,
    body: volunteerHoursBody,
    example: { servedOn: '2027-03-08', hours: 2.5, serviceRecordId: 'sr-2027-03-08-wanmingyuan-1' },
    response: loggedHoursView,
    status: 201,
    handler: async ({ deps, principal, params, body, requestId }) => logVolunteerHoursFor(deps, principal, params.volunteerId, body, requestId),
  }),
  route({
    method: 'get',
    path: '/api/charitable-resources',
    summary: 'Charitable resources (money, goods, venues, services) held in your scope, newest first',
    tag: 'five-party linkage',
    roles: READERS,
    query: resourceListQuery,
    response: resourceListView,
    handler: async ({ deps, principal, query }) => listResourcesFor(deps, principal, query),
  }),
  route({
    method: 'post',
    path: '/api/charitable-resources',
    summary: 'Register a charitable resource for a station, a venture project or the street',
    tag: 'five-party linkage',
    roles: WRITERS,
    body: resourceBody,
    example: resourceExample,
    response: savedResourceView,
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => saveResourceFor(deps, principal, body, undefined, requestId),
  }),
  route({
    method: 'put',
    path: '/api/charitable-resources/:resourceId',
    summary: 'Change a charitable resource (all its fields)',
    tag: 'five-party linkage',
    roles: WRITERS,
    params: resourceIdParams,
    body: resourceBody,
    example: resourceExample,
    response: savedResourceView,
    handler: async ({ deps, principal, params, body, requestId }) => saveResourceFor(deps, principal, body, params.resourceId, requestId),
  }),
  route({
    method: 'get',
    path: '/api/linkage-index',
    summary: 'Five-party linkage index: which of the five parties took part in each station\'s and street\'s work over the last 90 days (aggregates)',
    tag: 'five-party linkage',
    roles: ALL_ROLES,
    etag: true,
    query: linkageIndexQuery,
    response: linkageIndexView,
    handler: async ({ deps, principal, query }) => linkageIndexFor(deps, principal, query),
  }),
];
