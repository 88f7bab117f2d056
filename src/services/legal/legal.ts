// The legal office's services, built once per context (see context.ts).
import type { ServiceDeps } from "../deps.ts";
import type { HoldingsService } from "../privacy/holdings.ts";
import { LegalAccess } from "./access.ts";
import { AuditLog } from "./audit.ts";
import { CanaryService } from "./canary.ts";
import { DemandService } from "./demands.ts";
import { LegalFiles } from "./files.ts";
import { NoticeService } from "./notices.ts";
import { PreservationService } from "./preservation.ts";
import { ProductionService } from "./production.ts";
import { SecretBox } from "./secret-box.ts";
import { InstanceKey } from "./signing.ts";

export interface LegalServices {
  access: LegalAccess;
  audit: AuditLog;
  canary: CanaryService;
  demands: DemandService;
  notices: NoticeService;
  preservation: PreservationService;
  productions: ProductionService;
  key: InstanceKey;
  files: LegalFiles;
  /** The worker's round: notices whose order ended, and preservations whose time is up. */
  runDue(): Promise<{ noticesSent: number; preservationsDestroyed: number }>;
}

export function createLegalServices(deps: ServiceDeps, holdings: HoldingsService): LegalServices {
  const key = new InstanceKey(deps.config.dataDir);
  const audit = new AuditLog(deps, key);
  const files = new LegalFiles(deps.config.dataDir, deps.config.legal.maxDocumentBytes);
  const notices = new NoticeService(deps, audit, holdings);
  const preservation = new PreservationService(deps, audit, files, holdings);
  return {
    access: new LegalAccess(deps, audit, new SecretBox(deps.config.dataDir)),
    audit,
    canary: new CanaryService(deps, audit, key),
    demands: new DemandService(deps, audit, files, notices, holdings),
    notices,
    preservation,
    productions: new ProductionService(deps, audit, files, holdings, key),
    key,
    files,
    async runDue() {
      const noticesSent = await notices.sendDue();
      const preservationsDestroyed = await preservation.expireDue();
      return { noticesSent, preservationsDestroyed };
    },
  };
}
