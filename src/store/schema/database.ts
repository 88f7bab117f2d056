// The database type: the union of every table's type.
import type { AccountsTable, InvitesTable, SessionsTable, StaffRolesTable } from "./accounts.ts";
import type { WarrantCanariesTable } from "./canary.ts";
import type {
  AccountEdgeTable,
  AccountNotesTable,
  FavouritesTable,
  FeaturedTagsTable,
  ListAccountsTable,
  ListsTable,
  TagFollowsTable,
} from "./graph.ts";
import type {
  LegalAuditHeadsTable,
  LegalAuditLogTable,
  LegalDemandCategoriesTable,
  LegalDemandsTable,
  LegalDemandTargetsTable,
  LegalEventsTable,
  LegalNondisclosureOrdersTable,
  LegalNoticesTable,
  LegalPreservationsTable,
  LegalProductionsTable,
  LegalResponsesTable,
  StaffSecondFactorsTable,
  StaffUsedCodesTable,
} from "./legal.ts";
import type { MediaAttachmentsTable, MediaPendingTable } from "./media.ts";
import type { ModerationActionsTable, ReportStatusesTable, ReportsTable } from "./moderation.ts";
import type { MarkersTable, NotificationsTable } from "./notifications.ts";
import type { OAuthAppsTable, OAuthCodesTable, OAuthTokensTable } from "./oauth.ts";
import type { PushDeliveriesTable, PushSubscriptionsTable } from "./push.ts";
import type {
  AccountStatusEdgeTable,
  IdempotencyKeysTable,
  MentionsTable,
  ScheduledStatusesTable,
  StatusEditsTable,
  StatusesTable,
  StatusTagsTable,
  TagsTable,
} from "./statuses.ts";

export interface Database {
  accounts: AccountsTable;
  sessions: SessionsTable;
  staff_roles: StaffRolesTable;
  invites: InvitesTable;
  statuses: StatusesTable;
  status_edits: StatusEditsTable;
  mentions: MentionsTable;
  tags: TagsTable;
  status_tags: StatusTagsTable;
  idempotency_keys: IdempotencyKeysTable;
  follows: AccountEdgeTable;
  follow_requests: AccountEdgeTable;
  blocks: AccountEdgeTable;
  mutes: AccountEdgeTable;
  favourites: FavouritesTable;
  notifications: NotificationsTable;
  reports: ReportsTable;
  report_statuses: ReportStatusesTable;
  account_notes: AccountNotesTable;
  moderation_actions: ModerationActionsTable;
  oauth_apps: OAuthAppsTable;
  oauth_codes: OAuthCodesTable;
  oauth_tokens: OAuthTokensTable;
  bookmarks: AccountStatusEdgeTable;
  status_pins: AccountStatusEdgeTable;
  markers: MarkersTable;
  media_attachments: MediaAttachmentsTable;
  media_pending: MediaPendingTable;
  scheduled_statuses: ScheduledStatusesTable;
  legal_demands: LegalDemandsTable;
  legal_demand_targets: LegalDemandTargetsTable;
  legal_demand_categories: LegalDemandCategoriesTable;
  legal_events: LegalEventsTable;
  legal_nondisclosure_orders: LegalNondisclosureOrdersTable;
  legal_notices: LegalNoticesTable;
  legal_responses: LegalResponsesTable;
  legal_preservations: LegalPreservationsTable;
  legal_productions: LegalProductionsTable;
  legal_audit_log: LegalAuditLogTable;
  staff_second_factors: StaffSecondFactorsTable;
  staff_used_codes: StaffUsedCodesTable;
  legal_audit_heads: LegalAuditHeadsTable;
  warrant_canaries: WarrantCanariesTable;
  push_subscriptions: PushSubscriptionsTable;
  push_deliveries: PushDeliveriesTable;
  lists: ListsTable;
  list_accounts: ListAccountsTable;
  tag_follows: TagFollowsTable;
  featured_tags: FeaturedTagsTable;
  endorsements: AccountEdgeTable;
}
