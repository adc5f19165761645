-- MarketingActors schema 008: the audit chain is keyed.

-- Each entry records the scheme its hash was made with: "hmac-sha256:<key id>" for entries the
-- engine seals with its audit key (MarketingActors:Governance:AuditKey, kept outside this
-- database), "sha256" for the unkeyed entries written before this migration. Verification
-- refuses an unkeyed entry after a keyed one, so the legacy scheme cannot be used to rewrite.
ALTER TABLE ma_audit_log ADD COLUMN IF NOT EXISTS seal varchar(40) NOT NULL DEFAULT 'sha256';
ALTER TABLE ma_audit_log ALTER COLUMN seal DROP DEFAULT;
