//! Where new ids come from: the engine, never `MAX(id) + 1`, which two concurrent
//! PostgreSQL transactions computed alike and then collided on (`500 ERROR_CORE`).
//!
//! - Chats, sessions, messages and webhooks: the column's own default. SQLite's
//!   `AUTOINCREMENT` and PostgreSQL's sequences both hand out ids above every id the table
//!   ever held, as a portal's MySQL `AUTO_INCREMENT` does; inserts simply leave `id` out.
//! - CRM records: one id space per type (lead 7 and deal 7 both exist), in one table, so
//!   neither engine's column default can count them. PostgreSQL has a sequence per type;
//!   SQLite a row per type in `crm_id_counters`, bumped inside the insert's write
//!   transaction (SQLite runs one writer at a time, which makes that as safe as a sequence).
//!   Neither ever goes back, so a deleted record's id is never handed out again.
//!
//! An import writes ids of its own; [`RAISE_AFTER_IMPORT_PG`] and
//! [`RAISE_AFTER_IMPORT_SQLITE`] then lift the counters above them (SQLite's
//! `AUTOINCREMENT` follows explicit ids by itself).

/// The next id of a CRM type on PostgreSQL (`$1` is `lead`, `deal`, `contact` or `company`,
/// which the caller has already parsed into a `CrmEntityType`).
pub(super) const NEXT_CRM_ID_PG: &str =
    "SELECT nextval(CAST('crm_' || CAST($1 AS TEXT) || '_id_seq' AS regclass))";

/// The next id of a CRM type on SQLite; run inside a write transaction.
pub(super) const NEXT_CRM_ID_SQLITE: &str =
    "UPDATE crm_id_counters SET last_id = last_id + 1 WHERE entity_type = $1 RETURNING last_id";

/// Lifts every PostgreSQL sequence above the ids an import wrote.
pub(super) const RAISE_AFTER_IMPORT_PG: &str = "
    SELECT openlines_raise_sequence('chats_id_seq', (SELECT COALESCE(MAX(id), 0) FROM chats)),
           openlines_raise_sequence('sessions_id_seq', (SELECT COALESCE(MAX(id), 0) FROM sessions)),
           openlines_raise_sequence('messages_id_seq', (SELECT COALESCE(MAX(id), 0) FROM messages)),
           openlines_raise_sequence('webhooks_id_seq', (SELECT COALESCE(MAX(id), 0) FROM webhooks)),
           openlines_raise_sequence('crm_lead_id_seq',
               (SELECT COALESCE(MAX(id), 0) FROM crm_records WHERE entity_type = 'lead')),
           openlines_raise_sequence('crm_deal_id_seq',
               (SELECT COALESCE(MAX(id), 0) FROM crm_records WHERE entity_type = 'deal')),
           openlines_raise_sequence('crm_contact_id_seq',
               (SELECT COALESCE(MAX(id), 0) FROM crm_records WHERE entity_type = 'contact')),
           openlines_raise_sequence('crm_company_id_seq',
               (SELECT COALESCE(MAX(id), 0) FROM crm_records WHERE entity_type = 'company'))";

/// Lifts SQLite's CRM counters above the ids an import wrote.
pub(super) const RAISE_AFTER_IMPORT_SQLITE: &str = "
    UPDATE crm_id_counters SET last_id = MAX(last_id, COALESCE(
        (SELECT MAX(id) FROM crm_records r WHERE r.entity_type = crm_id_counters.entity_type), 0))";
