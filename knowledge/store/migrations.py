"""Numbered schema migrations. Each runs in one transaction with its own record.

Every number carries its DDL for both backends, side by side, so the two
schemas cannot drift apart unnoticed. Both keep TEXT timestamps and INTEGER
booleans, so the store modules' SQL is the same on both. Never edit a
migration that has shipped; add the next number instead.
"""

from __future__ import annotations

from dataclasses import dataclass

# 'TALK' in ASCII: marks a SQLite file as a talksbot database (PRAGMA
# application_id), and keys the PostgreSQL advisory lock migrators take.
APPLICATION_ID = 0x54414C4B
# PostgreSQL has no application id: migration 1 writes this `meta` row
# instead, and a non-empty schema without it is somebody else's.
PG_MARKER = ("application", "talksbot")


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sqlite: str
    postgresql: str


MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "claims, quotes, sources, corrections, question log, feedback",
        sqlite="""
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            outlet TEXT,
            title TEXT,
            date TEXT,
            url TEXT,
            dateline TEXT,
            sha256 TEXT NOT NULL
        );
        CREATE TABLE claims (
            id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            topic TEXT NOT NULL,
            entities TEXT NOT NULL DEFAULT '[]',
            said_by TEXT,
            importance INTEGER NOT NULL DEFAULT 1 CHECK (importance BETWEEN 1 AND 5),
            keywords TEXT NOT NULL DEFAULT '[]',
            origin TEXT NOT NULL CHECK (origin IN ('curated', 'moderator')),
            source_url TEXT,
            in_curated INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE quotes (
            claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            source_id TEXT NOT NULL REFERENCES sources(id),
            start INTEGER NOT NULL CHECK (start >= 0),
            end INTEGER NOT NULL CHECK (end > start),
            quote TEXT NOT NULL,
            PRIMARY KEY (claim_id, position)
        );
        CREATE TABLE conflicts (
            claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            other_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            PRIMARY KEY (claim_id, other_id)
        );
        CREATE TABLE corrections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id TEXT NOT NULL REFERENCES claims(id),
            action TEXT NOT NULL CHECK (action IN ('correct', 'retract', 'restore', 'add')),
            text TEXT,
            reason TEXT,
            url TEXT,
            by_platform TEXT NOT NULL,
            by_user_id TEXT NOT NULL,
            by_name TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX corrections_by_claim ON corrections(claim_id, id);
        CREATE INDEX corrections_by_time ON corrections(at);
        CREATE TRIGGER corrections_append_only_update BEFORE UPDATE ON corrections
        BEGIN
            SELECT RAISE(ABORT, 'corrections are append-only');
        END;
        CREATE TRIGGER corrections_append_only_delete BEFORE DELETE ON corrections
        BEGIN
            SELECT RAISE(ABORT, 'corrections are append-only');
        END;
        CREATE TABLE question_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            asked_at TEXT NOT NULL,
            platform TEXT NOT NULL,
            question TEXT NOT NULL,
            answered INTEGER NOT NULL,
            top_claim_id TEXT
        );
        CREATE INDEX question_log_by_time ON question_log(asked_at);
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            platform TEXT NOT NULL,
            user_id TEXT NOT NULL,
            question_id INTEGER REFERENCES question_log(id),
            claim_id TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('helpful', 'wrong')),
            UNIQUE (platform, user_id, question_id, claim_id)
        );
        CREATE INDEX feedback_by_time ON feedback(at);
        """,
        postgresql="""
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        INSERT INTO meta (key, value) VALUES ('application', 'talksbot');
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            outlet TEXT,
            title TEXT,
            date TEXT,
            url TEXT,
            dateline TEXT,
            sha256 TEXT NOT NULL
        );
        CREATE TABLE claims (
            id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            topic TEXT NOT NULL,
            entities TEXT NOT NULL DEFAULT '[]',
            said_by TEXT,
            importance INTEGER NOT NULL DEFAULT 1 CHECK (importance BETWEEN 1 AND 5),
            keywords TEXT NOT NULL DEFAULT '[]',
            origin TEXT NOT NULL CHECK (origin IN ('curated', 'moderator')),
            source_url TEXT,
            in_curated INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE quotes (
            claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            source_id TEXT NOT NULL REFERENCES sources(id),
            start INTEGER NOT NULL CHECK (start >= 0),
            "end" INTEGER NOT NULL CHECK ("end" > start),
            quote TEXT NOT NULL,
            PRIMARY KEY (claim_id, position)
        );
        CREATE TABLE conflicts (
            claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            other_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            PRIMARY KEY (claim_id, other_id)
        );
        CREATE TABLE corrections (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            claim_id TEXT NOT NULL REFERENCES claims(id),
            action TEXT NOT NULL CHECK (action IN ('correct', 'retract', 'restore', 'add')),
            text TEXT,
            reason TEXT,
            url TEXT,
            by_platform TEXT NOT NULL,
            by_user_id TEXT NOT NULL,
            by_name TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX corrections_by_claim ON corrections(claim_id, id);
        CREATE INDEX corrections_by_time ON corrections(at);
        CREATE FUNCTION corrections_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'corrections are append-only';
        END;
        $$;
        CREATE TRIGGER corrections_append_only_update BEFORE UPDATE ON corrections
            FOR EACH ROW EXECUTE FUNCTION corrections_append_only();
        CREATE TRIGGER corrections_append_only_delete BEFORE DELETE ON corrections
            FOR EACH ROW EXECUTE FUNCTION corrections_append_only();
        -- SQLite has no TRUNCATE; on PostgreSQL it would bypass the row triggers.
        CREATE TRIGGER corrections_append_only_truncate BEFORE TRUNCATE ON corrections
            FOR EACH STATEMENT EXECUTE FUNCTION corrections_append_only();
        CREATE TABLE question_log (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            asked_at TEXT NOT NULL,
            platform TEXT NOT NULL,
            question TEXT NOT NULL,
            answered INTEGER NOT NULL,
            top_claim_id TEXT
        );
        CREATE INDEX question_log_by_time ON question_log(asked_at);
        CREATE TABLE feedback (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            at TEXT NOT NULL,
            platform TEXT NOT NULL,
            user_id TEXT NOT NULL,
            question_id BIGINT REFERENCES question_log(id),
            claim_id TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('helpful', 'wrong')),
            UNIQUE (platform, user_id, question_id, claim_id)
        );
        CREATE INDEX feedback_by_time ON feedback(at);
        """,
    ),
    Migration(
        2,
        "digest subscriptions and digest runs",
        sqlite="""
        CREATE TABLE digest_subscriptions (
            platform TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            post_time TEXT NOT NULL,
            timezone TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (platform, channel_id)
        );
        CREATE TABLE digest_runs (
            platform TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            local_date TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            claimed_by TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            posted_at TEXT,
            period_start TEXT,
            PRIMARY KEY (platform, channel_id, local_date)
        );
        """,
        postgresql="""
        CREATE TABLE digest_subscriptions (
            platform TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            post_time TEXT NOT NULL,
            timezone TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (platform, channel_id)
        );
        CREATE TABLE digest_runs (
            platform TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            local_date TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            claimed_by TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            posted_at TEXT,
            period_start TEXT,
            PRIMARY KEY (platform, channel_id, local_date)
        );
        """,
    ),
    Migration(
        3,
        "content version, per-claim change tracking, who acted where, where questions came from",
        sqlite="""
        ALTER TABLE sources ADD COLUMN opening TEXT;
        CREATE TABLE content_version (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            version INTEGER NOT NULL
        );
        INSERT INTO content_version (id, version) VALUES (1, 0);
        ALTER TABLE claims ADD COLUMN changed_in INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE claims ADD COLUMN digest TEXT NOT NULL DEFAULT '';
        CREATE INDEX claims_by_change ON claims(changed_in);
        CREATE TABLE claim_removals (
            claim_id TEXT PRIMARY KEY,
            removed_in INTEGER NOT NULL
        );
        CREATE INDEX claim_removals_by_version ON claim_removals(removed_in);
        ALTER TABLE corrections ADD COLUMN by_community_id TEXT;
        ALTER TABLE corrections ADD COLUMN by_community_name TEXT;
        ALTER TABLE question_log ADD COLUMN community_id TEXT;
        ALTER TABLE question_log ADD COLUMN channel_id TEXT;
        ALTER TABLE question_log ADD COLUMN is_private INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE question_log ADD COLUMN shown_claims TEXT NOT NULL DEFAULT '[]';
        CREATE INDEX question_log_by_community ON question_log(platform, community_id, asked_at);
        ALTER TABLE feedback ADD COLUMN community_id TEXT;
        ALTER TABLE digest_subscriptions ADD COLUMN community_id TEXT;
        ALTER TABLE digest_subscriptions ADD COLUMN audience TEXT NOT NULL DEFAULT 'public'
            CHECK (audience IN ('public', 'moderators'));
        CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            reason TEXT NOT NULL,
            platform TEXT NOT NULL,
            community_id TEXT,
            community_name TEXT,
            user_id TEXT NOT NULL,
            user_name TEXT NOT NULL,
            at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
            decided_by TEXT,
            decided_at TEXT,
            decision_reason TEXT
        );
        CREATE INDEX suggestions_by_user ON suggestions(platform, user_id, at);
        CREATE INDEX suggestions_by_status ON suggestions(status, id);
        """,
        postgresql="""
        ALTER TABLE sources ADD COLUMN opening TEXT;
        CREATE TABLE content_version (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            version INTEGER NOT NULL
        );
        INSERT INTO content_version (id, version) VALUES (1, 0);
        ALTER TABLE claims ADD COLUMN changed_in INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE claims ADD COLUMN digest TEXT NOT NULL DEFAULT '';
        CREATE INDEX claims_by_change ON claims(changed_in);
        CREATE TABLE claim_removals (
            claim_id TEXT PRIMARY KEY,
            removed_in INTEGER NOT NULL
        );
        CREATE INDEX claim_removals_by_version ON claim_removals(removed_in);
        ALTER TABLE corrections ADD COLUMN by_community_id TEXT;
        ALTER TABLE corrections ADD COLUMN by_community_name TEXT;
        ALTER TABLE question_log ADD COLUMN community_id TEXT;
        ALTER TABLE question_log ADD COLUMN channel_id TEXT;
        ALTER TABLE question_log ADD COLUMN is_private INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE question_log ADD COLUMN shown_claims TEXT NOT NULL DEFAULT '[]';
        CREATE INDEX question_log_by_community ON question_log(platform, community_id, asked_at);
        ALTER TABLE feedback ADD COLUMN community_id TEXT;
        ALTER TABLE digest_subscriptions ADD COLUMN community_id TEXT;
        ALTER TABLE digest_subscriptions ADD COLUMN audience TEXT NOT NULL DEFAULT 'public'
            CHECK (audience IN ('public', 'moderators'));
        CREATE TABLE suggestions (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            reason TEXT NOT NULL,
            platform TEXT NOT NULL,
            community_id TEXT,
            community_name TEXT,
            user_id TEXT NOT NULL,
            user_name TEXT NOT NULL,
            at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
            decided_by TEXT,
            decided_at TEXT,
            decision_reason TEXT
        );
        CREATE INDEX suggestions_by_user ON suggestions(platform, user_id, at);
        CREATE INDEX suggestions_by_status ON suggestions(status, id);
        """,
    ),
    Migration(
        4,
        "review queue, taught phrasings, history actions for teaching and credited suggestions",
        sqlite="""
        CREATE TABLE queue_items (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('unanswered', 'wrong', 'suggestion', 'candidate')),
            group_key TEXT NOT NULL,
            text TEXT NOT NULL,
            claim_ids TEXT NOT NULL DEFAULT '[]',
            suggestion_id INTEGER REFERENCES suggestions(id) ON DELETE CASCADE,
            asked INTEGER NOT NULL DEFAULT 1,
            communities TEXT NOT NULL DEFAULT '[]',
            first_at TEXT NOT NULL,
            last_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'taught', 'dismissed', 'accepted', 'rejected')),
            closed_by TEXT,
            closed_at TEXT,
            close_reason TEXT
        );
        CREATE UNIQUE INDEX queue_items_open_group ON queue_items(kind, group_key) WHERE status = 'open';
        CREATE INDEX queue_items_by_status ON queue_items(status, first_at);
        CREATE TABLE taught_phrasings (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            phrasing TEXT NOT NULL,
            group_key TEXT NOT NULL,
            item_id INTEGER REFERENCES queue_items(id),
            taught_by TEXT NOT NULL,
            taught_at TEXT NOT NULL,
            undone_at TEXT
        );
        CREATE INDEX taught_by_claim ON taught_phrasings(claim_id);
        DROP TRIGGER corrections_append_only_update;
        DROP TRIGGER corrections_append_only_delete;
        CREATE TABLE corrections_v4 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id TEXT NOT NULL REFERENCES claims(id),
            action TEXT NOT NULL CHECK (action IN ('correct', 'retract', 'restore', 'add', 'teach', 'unteach')),
            text TEXT,
            reason TEXT,
            url TEXT,
            by_platform TEXT NOT NULL,
            by_user_id TEXT NOT NULL,
            by_name TEXT NOT NULL,
            at TEXT NOT NULL,
            by_community_id TEXT,
            by_community_name TEXT,
            credit TEXT
        );
        INSERT INTO corrections_v4 (id, claim_id, action, text, reason, url, by_platform, by_user_id, by_name, at,
            by_community_id, by_community_name)
            SELECT id, claim_id, action, text, reason, url, by_platform, by_user_id, by_name, at,
            by_community_id, by_community_name FROM corrections;
        DROP TABLE corrections;
        ALTER TABLE corrections_v4 RENAME TO corrections;
        CREATE INDEX corrections_by_claim ON corrections(claim_id, id);
        CREATE INDEX corrections_by_time ON corrections(at);
        CREATE TRIGGER corrections_append_only_update BEFORE UPDATE ON corrections
        BEGIN
            SELECT RAISE(ABORT, 'corrections are append-only');
        END;
        CREATE TRIGGER corrections_append_only_delete BEFORE DELETE ON corrections
        BEGIN
            SELECT RAISE(ABORT, 'corrections are append-only');
        END;
        """,
        postgresql="""
        CREATE TABLE queue_items (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('unanswered', 'wrong', 'suggestion', 'candidate')),
            group_key TEXT NOT NULL,
            text TEXT NOT NULL,
            claim_ids TEXT NOT NULL DEFAULT '[]',
            suggestion_id BIGINT REFERENCES suggestions(id) ON DELETE CASCADE,
            asked INTEGER NOT NULL DEFAULT 1,
            communities TEXT NOT NULL DEFAULT '[]',
            first_at TEXT NOT NULL,
            last_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'taught', 'dismissed', 'accepted', 'rejected')),
            closed_by TEXT,
            closed_at TEXT,
            close_reason TEXT
        );
        CREATE UNIQUE INDEX queue_items_open_group ON queue_items(kind, group_key) WHERE status = 'open';
        CREATE INDEX queue_items_by_status ON queue_items(status, first_at);
        CREATE TABLE taught_phrasings (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            phrasing TEXT NOT NULL,
            group_key TEXT NOT NULL,
            item_id BIGINT REFERENCES queue_items(id),
            taught_by TEXT NOT NULL,
            taught_at TEXT NOT NULL,
            undone_at TEXT
        );
        CREATE INDEX taught_by_claim ON taught_phrasings(claim_id);
        -- PostgreSQL can change a CHECK in place; SQLite (above) rebuilds the table.
        ALTER TABLE corrections DROP CONSTRAINT corrections_action_check;
        ALTER TABLE corrections ADD CONSTRAINT corrections_action_check
            CHECK (action IN ('correct', 'retract', 'restore', 'add', 'teach', 'unteach'));
        ALTER TABLE corrections ADD COLUMN credit TEXT;
        """,
    ),
    Migration(
        5,
        "events handled once across workers",
        sqlite="""
        CREATE TABLE processed_events (
            key TEXT PRIMARY KEY,
            seen_at TEXT NOT NULL
        );
        CREATE INDEX processed_events_by_time ON processed_events(seen_at);
        """,
        postgresql="""
        CREATE TABLE processed_events (
            key TEXT PRIMARY KEY,
            seen_at TEXT NOT NULL
        );
        CREATE INDEX processed_events_by_time ON processed_events(seen_at);
        """,
    ),
    Migration(
        6,
        "posted messages and the outbox of updates to them",
        sqlite="""
        CREATE TABLE posted_messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL,
            community_id TEXT,
            channel_id TEXT NOT NULL,
            message_id TEXT,
            thread_id TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('answer', 'claim', 'digest')),
            claim_ids TEXT NOT NULL DEFAULT '[]',
            question_id INTEGER,
            render TEXT NOT NULL DEFAULT '{}',
            content_version INTEGER NOT NULL,
            edit_via TEXT NOT NULL CHECK (edit_via IN ('bot', 'interaction', 'response_url', 'none')),
            edit_token TEXT,
            edit_until TEXT,
            edit_uses INTEGER,
            after_expiry TEXT NOT NULL DEFAULT 'none' CHECK (after_expiry IN ('bot', 'note', 'none')),
            is_private INTEGER NOT NULL DEFAULT 0,
            posted_at TEXT NOT NULL,
            gone_at TEXT
        );
        CREATE INDEX posted_messages_by_time ON posted_messages(posted_at);
        CREATE TABLE posted_claims (
            posted_id INTEGER NOT NULL REFERENCES posted_messages(id) ON DELETE CASCADE,
            claim_id TEXT NOT NULL,
            PRIMARY KEY (claim_id, posted_id)
        );
        CREATE INDEX posted_claims_by_message ON posted_claims(posted_id);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            posted_id INTEGER NOT NULL REFERENCES posted_messages(id) ON DELETE CASCADE,
            platform TEXT NOT NULL,
            channel_key TEXT NOT NULL,
            change_id INTEGER NOT NULL,
            claim_id TEXT NOT NULL,
            content_version INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'claimed', 'updated', 'noted', 'skipped', 'gone', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before TEXT,
            claimed_by TEXT,
            claimed_at TEXT,
            done_at TEXT,
            last_error TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX outbox_open ON outbox(platform, status, id);
        CREATE INDEX outbox_by_channel ON outbox(channel_key, status, id);
        CREATE INDEX outbox_by_change ON outbox(change_id, status);
        CREATE INDEX outbox_by_message ON outbox(posted_id);
        """,
        postgresql="""
        CREATE TABLE posted_messages (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            platform TEXT NOT NULL,
            community_id TEXT,
            channel_id TEXT NOT NULL,
            message_id TEXT,
            thread_id TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('answer', 'claim', 'digest')),
            claim_ids TEXT NOT NULL DEFAULT '[]',
            question_id BIGINT,
            render TEXT NOT NULL DEFAULT '{}',
            content_version INTEGER NOT NULL,
            edit_via TEXT NOT NULL CHECK (edit_via IN ('bot', 'interaction', 'response_url', 'none')),
            edit_token TEXT,
            edit_until TEXT,
            edit_uses INTEGER,
            after_expiry TEXT NOT NULL DEFAULT 'none' CHECK (after_expiry IN ('bot', 'note', 'none')),
            is_private INTEGER NOT NULL DEFAULT 0,
            posted_at TEXT NOT NULL,
            gone_at TEXT
        );
        CREATE INDEX posted_messages_by_time ON posted_messages(posted_at);
        CREATE TABLE posted_claims (
            posted_id BIGINT NOT NULL REFERENCES posted_messages(id) ON DELETE CASCADE,
            claim_id TEXT NOT NULL,
            PRIMARY KEY (claim_id, posted_id)
        );
        CREATE INDEX posted_claims_by_message ON posted_claims(posted_id);
        CREATE TABLE outbox (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            posted_id BIGINT NOT NULL REFERENCES posted_messages(id) ON DELETE CASCADE,
            platform TEXT NOT NULL,
            channel_key TEXT NOT NULL,
            change_id BIGINT NOT NULL,
            claim_id TEXT NOT NULL,
            content_version INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'claimed', 'updated', 'noted', 'skipped', 'gone', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before TEXT,
            claimed_by TEXT,
            claimed_at TEXT,
            done_at TEXT,
            last_error TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX outbox_open ON outbox(platform, status, id);
        CREATE INDEX outbox_by_channel ON outbox(channel_key, status, id);
        CREATE INDEX outbox_by_change ON outbox(change_id, status);
        CREATE INDEX outbox_by_message ON outbox(posted_id);
        """,
    ),
    Migration(
        7,
        "ingested articles, ingest candidates, accepted quotes that survive curated reloads",
        # Accepted claims use origin 'moderator' (migration 1's CHECK): rebuilding `claims`
        # on SQLite would cascade-delete quotes and links, and the history says who accepted.
        sqlite="""
        ALTER TABLE sources ADD COLUMN body TEXT;
        ALTER TABLE sources ADD COLUMN origin TEXT NOT NULL DEFAULT 'seed' CHECK (origin IN ('seed', 'ingested'));
        ALTER TABLE sources ADD COLUMN added_by TEXT;
        ALTER TABLE sources ADD COLUMN added_at TEXT;
        CREATE INDEX sources_by_sha256 ON sources(sha256);
        ALTER TABLE quotes ADD COLUMN item_id INTEGER;
        CREATE TABLE candidates (
            item_id INTEGER PRIMARY KEY REFERENCES queue_items(id),
            source_id TEXT NOT NULL REFERENCES sources(id),
            proposal TEXT NOT NULL CHECK (proposal IN ('supports', 'conflicts', 'new')),
            claim_id TEXT,
            text TEXT NOT NULL,
            topic TEXT NOT NULL,
            entities TEXT NOT NULL DEFAULT '[]',
            said_by TEXT,
            quote_start INTEGER NOT NULL CHECK (quote_start >= 0),
            quote_end INTEGER NOT NULL CHECK (quote_end > quote_start),
            quote TEXT NOT NULL,
            similarity REAL NOT NULL,
            accepted_claim_id TEXT
        );
        CREATE INDEX candidates_by_source ON candidates(source_id);
        """,
        postgresql="""
        ALTER TABLE sources ADD COLUMN body TEXT;
        ALTER TABLE sources ADD COLUMN origin TEXT NOT NULL DEFAULT 'seed' CHECK (origin IN ('seed', 'ingested'));
        ALTER TABLE sources ADD COLUMN added_by TEXT;
        ALTER TABLE sources ADD COLUMN added_at TEXT;
        CREATE INDEX sources_by_sha256 ON sources(sha256);
        ALTER TABLE quotes ADD COLUMN item_id BIGINT;
        CREATE TABLE candidates (
            item_id BIGINT PRIMARY KEY REFERENCES queue_items(id),
            source_id TEXT NOT NULL REFERENCES sources(id),
            proposal TEXT NOT NULL CHECK (proposal IN ('supports', 'conflicts', 'new')),
            claim_id TEXT,
            text TEXT NOT NULL,
            topic TEXT NOT NULL,
            entities TEXT NOT NULL DEFAULT '[]',
            said_by TEXT,
            quote_start INTEGER NOT NULL CHECK (quote_start >= 0),
            quote_end INTEGER NOT NULL CHECK (quote_end > quote_start),
            quote TEXT NOT NULL,
            similarity DOUBLE PRECISION NOT NULL,
            accepted_claim_id TEXT
        );
        CREATE INDEX candidates_by_source ON candidates(source_id);
        """,
    ),
    Migration(
        8,
        "who added to the review queue (people counted once, hourly limits), per-kind listing, expiry",
        # `person` is a hash of the platform and user id: enough to count people and to
        # limit one person's additions, without keeping who asked what in readable form.
        sqlite="""
        CREATE TABLE queue_additions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            item_id INTEGER NOT NULL REFERENCES queue_items(id),
            person TEXT,
            community TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX queue_additions_once ON queue_additions(item_id, person);
        CREATE INDEX queue_additions_by_person ON queue_additions(person, at);
        CREATE INDEX queue_additions_by_community ON queue_additions(community, at);
        CREATE INDEX queue_items_open_by_kind ON queue_items(status, kind, first_at, id);
        CREATE INDEX queue_items_by_last ON queue_items(status, last_at);
        """,
        postgresql="""
        CREATE TABLE queue_additions (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            item_id BIGINT NOT NULL REFERENCES queue_items(id),
            person TEXT,
            community TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX queue_additions_once ON queue_additions(item_id, person);
        CREATE INDEX queue_additions_by_person ON queue_additions(person, at);
        CREATE INDEX queue_additions_by_community ON queue_additions(community, at);
        CREATE INDEX queue_items_open_by_kind ON queue_items(status, kind, first_at, id);
        CREATE INDEX queue_items_by_last ON queue_items(status, last_at);
        """,
    ),
    Migration(
        9,
        "a random id for this database, kept in meta (what its index snapshot is keyed by)",
        # Made here, in the database, so a copy restored elsewhere keeps it and a different
        # database restored at the same path or URL does not have it.
        sqlite="""
        INSERT INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(16))));
        """,
        postgresql="""
        INSERT INTO meta (key, value) VALUES ('store_id', replace(gen_random_uuid()::text, '-', ''));
        """,
    ),
    Migration(
        10,
        "the outbox's unfinished rows by platform, in id order and by channel (a pass reads channel heads only)",
        # Partial: finished rows (all but a few) stay out. knowledge/store/outbox.py reads the
        # oldest few by id, else walks them channel by channel: a pass costs the same at any
        # backlog in one channel.
        sqlite="""
        CREATE INDEX outbox_unfinished ON outbox(platform, channel_key, id) WHERE status IN ('pending', 'claimed');
        CREATE INDEX outbox_unfinished_by_id ON outbox(platform, id, channel_key)
            WHERE status IN ('pending', 'claimed');
        """,
        postgresql="""
        CREATE INDEX outbox_unfinished ON outbox(platform, channel_key, id) WHERE status IN ('pending', 'claimed');
        CREATE INDEX outbox_unfinished_by_id ON outbox(platform, id, channel_key)
            WHERE status IN ('pending', 'claimed');
        """,
    ),
    Migration(
        11,
        "a rate budget shared by every process on this database (bot/ratelimit.py)",
        # One row per limit (a bot token's global limit, a Slack method tier in one workspace, a
        # channel's posting limit): the time its next request is allowed (GCRA's theoretical arrival
        # time, seconds since the epoch). knowledge/store/budget.py takes slots with one statement.
        sqlite="""
        CREATE TABLE rate_budget (key TEXT PRIMARY KEY, tat DOUBLE PRECISION NOT NULL);
        """,
        postgresql="""
        CREATE TABLE rate_budget (key TEXT PRIMARY KEY, tat DOUBLE PRECISION NOT NULL);
        """,
    ),
]

LATEST_VERSION = MIGRATIONS[-1].number
