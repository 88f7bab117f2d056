// AppContext: config, store, clock, ids and the services, built once and passed down.
import type { Config } from "./config/config.ts";
import { type Clock, systemClock } from "./domain/clock.ts";
import { TimeIds } from "./domain/ids.ts";
import { AccountService } from "./services/accounts/accounts.ts";
import { InviteService } from "./services/accounts/invites.ts";
import { type PasswordCost, PasswordHasher } from "./services/accounts/passwords.ts";
import { PreferencesService } from "./services/accounts/preferences.ts";
import { SessionService } from "./services/accounts/sessions.ts";
import { StaffService } from "./services/accounts/staff.ts";
import type { ServiceDeps } from "./services/deps.ts";
import { type EventBus, InProcessEventBus } from "./services/events/bus.ts";
import { EndorsementService } from "./services/graph/endorsements.ts";
import { ListService } from "./services/graph/lists.ts";
import { RelationshipService } from "./services/graph/relationships.ts";
import { TagService } from "./services/graph/tags.ts";
import { InstanceService } from "./services/instance/instance.ts";
import { createLegalServices, type LegalServices } from "./services/legal/legal.ts";
import { MarkerService } from "./services/markers/markers.ts";
import { MediaService } from "./services/media/media.ts";
import { ModerationService } from "./services/moderation/moderation.ts";
import { NotificationService } from "./services/notifications/notifications.ts";
import { OAuthService } from "./services/oauth/oauth.ts";
import { ExportService } from "./services/privacy/export.ts";
import { ForgettingService } from "./services/privacy/forgetting.ts";
import { HoldingsService } from "./services/privacy/holdings.ts";
import { PushService } from "./services/push/push.ts";
import { SearchService } from "./services/search/search.ts";
import { CollectionService } from "./services/statuses/collections.ts";
import { InteractionService } from "./services/statuses/interactions.ts";
import { PostingService } from "./services/statuses/posting.ts";
import { SchedulingService } from "./services/statuses/scheduling.ts";
import { StreamingService } from "./services/streaming/fanout.ts";
import { TimelineService } from "./services/timelines/timelines.ts";
import type { Store } from "./store/store.ts";

export interface Services {
  accounts: AccountService;
  invites: InviteService;
  sessions: SessionService;
  staff: StaffService;
  preferences: PreferencesService;
  instance: InstanceService;
  posting: PostingService;
  interactions: InteractionService;
  collections: CollectionService;
  markers: MarkerService;
  timelines: TimelineService;
  relationships: RelationshipService;
  lists: ListService;
  tags: TagService;
  endorsements: EndorsementService;
  notifications: NotificationService;
  search: SearchService;
  moderation: ModerationService;
  oauth: OAuthService;
  holdings: HoldingsService;
  /** "Download your data": the account holder's archive. */
  export: ExportService;
  scheduling: SchedulingService;
  media: MediaService;
  forgetting: ForgettingService;
  streaming: StreamingService;
  /** Web Push subscriptions and the delivery queue. */
  push: PushService;
  /** Legal demands: console access, intake, notices, preservation, productions, the audit log. */
  legal: LegalServices;
}

export interface AppContext {
  config: Config;
  store: Store;
  clock: Clock;
  events: EventBus;
  services: Services;
}

export interface ContextOptions {
  config: Config;
  store: Store;
  clock?: Clock;
  passwordCost?: PasswordCost;
}

export function createContext(options: ContextOptions): AppContext {
  const clock = options.clock ?? systemClock;
  const events = new InProcessEventBus();
  const deps: ServiceDeps = {
    db: options.store.db,
    dialect: options.store.dialect,
    clock,
    ids: new TimeIds(clock),
    config: options.config,
    events,
  };
  const passwords = new PasswordHasher(options.passwordCost);
  const invites = new InviteService(deps);
  const push: PushService = new PushService(deps, () => notifications);
  const notifications: NotificationService = new NotificationService(deps, (tx, n) => push.enqueue(tx, n));
  const forgetting = new ForgettingService(deps);
  const media = new MediaService(deps, { afterRemoval: () => forgetting.soon() });
  const posting = new PostingService(deps, notifications, media);
  const accounts = new AccountService(deps, passwords, invites);
  const timelines = new TimelineService(deps);
  const holdings = new HoldingsService(deps);
  return {
    config: options.config,
    store: options.store,
    clock,
    events,
    services: {
      accounts,
      invites,
      sessions: new SessionService(deps, passwords),
      staff: new StaffService(deps),
      preferences: new PreferencesService(deps, accounts),
      instance: new InstanceService(deps),
      posting,
      interactions: new InteractionService(deps, notifications),
      collections: new CollectionService(deps),
      markers: new MarkerService(deps, notifications),
      timelines,
      relationships: new RelationshipService(deps, notifications),
      lists: new ListService(deps),
      tags: new TagService(deps),
      endorsements: new EndorsementService(deps),
      notifications,
      search: new SearchService(deps),
      moderation: new ModerationService(deps),
      oauth: new OAuthService(deps),
      holdings,
      export: new ExportService(deps, media),
      scheduling: new SchedulingService(deps, posting),
      media,
      forgetting,
      streaming: new StreamingService(deps, timelines, notifications),
      push,
      legal: createLegalServices(deps, holdings),
    },
  };
}
