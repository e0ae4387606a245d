using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// The schema of the embedded database as an ordered list of forward-only steps, and the code that applies them.
/// </summary>
/// <remarks>
/// Rules for adding a step (keys, registry, costs, ...): append it with the next version; never edit, reorder or remove a
/// shipped step; never drop or rewrite data (add columns with defaults, add tables, add indexes). Every store of the file
/// calls <see cref="Apply"/> at initialisation; it is idempotent, so whichever store comes first brings the whole file up
/// to date.
/// </remarks>
internal static class SqliteMigrations
{
    /// <summary>Every step, in version order.</summary>
    public static IReadOnlyList<SqliteMigration> All { get; } =
    [
        new(1, "request log", """
            -- One row per request through the gateway. Times are unix milliseconds (UTC) in an INTEGER: they sort and
            -- compare as numbers, cost 8 bytes, and map 1:1 to PostgreSQL's timestamptz at millisecond precision.
            CREATE TABLE request_log (
                id            INTEGER PRIMARY KEY,
                ts_unix_ms    INTEGER NOT NULL,
                request_id    TEXT    NOT NULL,
                endpoint      TEXT    NOT NULL,
                route         TEXT,
                deployment    TEXT,
                attempts      INTEGER NOT NULL,
                status        INTEGER NOT NULL,
                stream        INTEGER NOT NULL CHECK (stream IN (0, 1)),
                latency_ms    REAL    NOT NULL,
                ttft_ms       REAL,
                input_tokens  INTEGER,
                output_tokens INTEGER,
                error_type    TEXT,
                error_message TEXT
            );
            -- Newest-first listings, optionally for one route or one deployment, each bounded by time.
            CREATE INDEX ix_request_log_ts ON request_log (ts_unix_ms);
            CREATE INDEX ix_request_log_route_ts ON request_log (route, ts_unix_ms);
            CREATE INDEX ix_request_log_deployment_ts ON request_log (deployment, ts_unix_ms);
            """),
        new(2, "tiers, routing decisions and attempts", """
            -- Tiered routing: which tier served, the label that chose it, why a request was kept in-house (kinds of
            -- personal data, never the data), why it fell back, and every attempt with its outcome (JSON array).
            ALTER TABLE request_log ADD COLUMN tier TEXT;
            ALTER TABLE request_log ADD COLUMN label TEXT;
            ALTER TABLE request_log ADD COLUMN confidential TEXT;
            ALTER TABLE request_log ADD COLUMN fallback_reason TEXT;
            ALTER TABLE request_log ADD COLUMN attempts_json TEXT;
            """),
        new(3, "quality gate verdicts and escalations", """
            -- The quality gate: the score of the answer sent, the checks it failed, and the deployment whose poor answer
            -- escalated the request (NULL when it did not escalate).
            ALTER TABLE request_log ADD COLUMN quality_score REAL;
            ALTER TABLE request_log ADD COLUMN quality_failed TEXT;
            ALTER TABLE request_log ADD COLUMN escalated_from TEXT;
            CREATE INDEX ix_request_log_escalated_ts ON request_log (ts_unix_ms) WHERE escalated_from IS NOT NULL;
            """),
        new(4, "escalation records", """
            -- Every request the quality gate escalated, with its text: the raw material of fine-tuning datasets.
            CREATE TABLE escalations (
                request_id          TEXT PRIMARY KEY,
                ts_unix_ms          INTEGER NOT NULL,
                route               TEXT NOT NULL,
                endpoint            TEXT NOT NULL,
                label               TEXT,
                confidential        TEXT,
                request_json        TEXT NOT NULL,
                cheap_deployment    TEXT NOT NULL,
                cheap_tier          TEXT,
                cheap_answer        TEXT NOT NULL,
                cheap_score         REAL NOT NULL,
                cheap_failed        TEXT,
                cheap_reasons       TEXT,
                cheap_input_tokens  INTEGER,
                cheap_output_tokens INTEGER,
                final_deployment    TEXT NOT NULL,
                final_tier          TEXT,
                final_answer        TEXT NOT NULL,
                final_score         REAL NOT NULL,
                final_failed        TEXT,
                final_input_tokens  INTEGER,
                final_output_tokens INTEGER,
                review              TEXT CHECK (review IN ('good', 'bad')),
                review_note         TEXT,
                reviewed_unix_ms    INTEGER
            );
            CREATE INDEX ix_escalations_ts ON escalations (ts_unix_ms);
            CREATE INDEX ix_escalations_route_ts ON escalations (route, ts_unix_ms);
            """),
        new(5, "outcome samples for the learned router", """
            -- Prompts labelled with whether the cheap tier failed: sampled passes, poor answers with nowhere to escalate,
            -- and imported outcomes. With the escalations, what switchyard router train learns from.
            CREATE TABLE outcome_samples (
                id            INTEGER PRIMARY KEY,
                ts_unix_ms    INTEGER NOT NULL,
                source        TEXT NOT NULL,
                route         TEXT,
                label         TEXT,
                prompt        TEXT NOT NULL,
                cheap_failed  INTEGER NOT NULL,
                cheap_score   REAL,
                strong_score  REAL
            );
            CREATE INDEX ix_outcome_samples_route_ts ON outcome_samples (route, ts_unix_ms);
            """),
        new(6, "the judge's scores in escalation records", """
            -- The judge model's score (0 to 1) of the cheap answer and of the answer the client got, when a judge ran:
            -- dataset export filters on them.
            ALTER TABLE escalations ADD COLUMN cheap_judge_score REAL;
            ALTER TABLE escalations ADD COLUMN final_judge_score REAL;
            """),
        new(7, "the rule that planned each request, and the learned router's score", """
            -- How the tier order was chosen (default, header, metadata, route, classifier, router) and, on a route with a
            -- learned router, its predicted probability that the cheap tiers fail: `logs` shows why a request skipped ahead.
            ALTER TABLE request_log ADD COLUMN rule TEXT;
            ALTER TABLE request_log ADD COLUMN router_score REAL;
            """),
        new(8, "what each request cost", """
            -- US dollars at the deployment's price: the answer the client got, what else was spent on it (answers the
            -- quality gate turned down, judge and agreement calls), and the answer's cost from the route's last tier.
            ALTER TABLE request_log ADD COLUMN cost_usd REAL;
            ALTER TABLE request_log ADD COLUMN extra_cost_usd REAL;
            ALTER TABLE request_log ADD COLUMN baseline_cost_usd REAL;
            """),
        new(9, "whether a request's tokens and cost were estimated", """
            -- 1 when the upstream reported no usage and the gateway estimated the tokens (and so the cost).
            ALTER TABLE request_log ADD COLUMN usage_estimated INTEGER NOT NULL DEFAULT 0;
            """),
        new(10, "virtual keys, and the key and team of each request", """
            -- Keys: the public id and the SHA-256 of the whole key, never the key.
            CREATE TABLE api_keys (
                id               TEXT PRIMARY KEY,
                hash             BLOB NOT NULL,
                team             TEXT NOT NULL,
                name             TEXT,
                routes           TEXT NOT NULL DEFAULT '',
                rpm              INTEGER,
                tpm              INTEGER,
                confidential     INTEGER NOT NULL DEFAULT 0,
                created_unix_ms  INTEGER NOT NULL,
                expires_unix_ms  INTEGER,
                revoked_unix_ms  INTEGER
            );
            CREATE INDEX ix_api_keys_team ON api_keys (team);
            ALTER TABLE request_log ADD COLUMN key_id TEXT;
            ALTER TABLE request_log ADD COLUMN team TEXT;
            """),
        new(11, "a key's cap on requests in flight", """
            ALTER TABLE api_keys ADD COLUMN max_concurrency INTEGER;
            """),
        new(12, "roles on keys, and the admin audit trail", """
            -- A key's role on the admin API: admin, operator, auditor, legal or security; NULL for a client key.
            ALTER TABLE api_keys ADD COLUMN role TEXT;
            -- Append-only: every admin action, each row hashing the one before it, so an edit or a deletion shows.
            CREATE TABLE admin_audit (
                seq        INTEGER PRIMARY KEY AUTOINCREMENT,
                ts_unix_ms INTEGER NOT NULL,
                actor      TEXT NOT NULL,
                action     TEXT NOT NULL,
                target     TEXT,
                detail     TEXT,
                prev_hash  BLOB NOT NULL,
                hash       BLOB NOT NULL
            );
            """),
        new(13, "a key's default tags and metadata", """
            ALTER TABLE api_keys ADD COLUMN tags TEXT;
            -- A JSON object of strings: owner, ticket, cost centre.
            ALTER TABLE api_keys ADD COLUMN metadata TEXT;
            """),
        new(14, "a key's own budget", """
            -- Dollars per budget_period ('day' or 'month'), a hard budget of the key's own.
            ALTER TABLE api_keys ADD COLUMN budget_usd REAL;
            ALTER TABLE api_keys ADD COLUMN budget_period TEXT;
            """),
        new(15, "the model registry", """
            -- One row per registry model: the record as JSON (files, hashes, licence, scan, sign-offs), its status in a
            -- column of its own (the gateway reads only id and status, every second), and a revision that every write
            -- checks and bumps, so two approvers never overwrite each other.
            CREATE TABLE models (
                id              TEXT PRIMARY KEY,
                status          TEXT    NOT NULL,
                revision        INTEGER NOT NULL,
                updated_unix_ms INTEGER NOT NULL,
                record          TEXT    NOT NULL
            );
            -- Every change of status: who, when, why. Append-only, like admin_audit (where each is also chained).
            CREATE TABLE model_decisions (
                seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                model_id    TEXT    NOT NULL REFERENCES models (id),
                ts_unix_ms  INTEGER NOT NULL,
                actor       TEXT    NOT NULL,
                role        TEXT    NOT NULL,
                action      TEXT    NOT NULL,
                from_status TEXT    NOT NULL,
                to_status   TEXT    NOT NULL,
                reason      TEXT    NOT NULL
            );
            CREATE INDEX ix_model_decisions_model ON model_decisions (model_id, seq);
            """),
        new(16, "costs split by what they bought and attributed to who spent them; cached and reasoning tokens", """
            -- What a request spent besides its answer, split: answers the quality gate held and did not send, judge and
            -- agreement calls, attempts that failed after tokens flowed. extra_cost_usd stays their sum (and is the only
            -- figure of rows written before this step).
            ALTER TABLE request_log ADD COLUMN escalated_cost_usd REAL;
            ALTER TABLE request_log ADD COLUMN checks_cost_usd REAL;
            ALTER TABLE request_log ADD COLUMN failed_cost_usd REAL;
            -- The answer's prompt-cache reads and reasoning tokens (parts of input_tokens and output_tokens).
            ALTER TABLE request_log ADD COLUMN cached_tokens INTEGER;
            ALTER TABLE request_log ADD COLUMN reasoning_tokens INTEGER;
            -- 1 when some of the cost rests on an estimate of tokens (the answer's, or a failed attempt's).
            ALTER TABLE request_log ADD COLUMN cost_estimated INTEGER NOT NULL DEFAULT 0;
            -- Each call behind those three columns, with the deployment and tier that made it: `costs --by deployment`
            -- puts every dollar under the deployment that spent it. A request's parts of a kind add up to its column.
            CREATE TABLE request_cost_parts (
                request_row      INTEGER NOT NULL REFERENCES request_log (id) ON DELETE CASCADE,
                kind             TEXT    NOT NULL CHECK (kind IN ('escalated', 'check', 'failed')),
                deployment       TEXT    NOT NULL,
                tier             TEXT,
                input_tokens     INTEGER NOT NULL,
                output_tokens    INTEGER NOT NULL,
                cached_tokens    INTEGER NOT NULL DEFAULT 0,
                reasoning_tokens INTEGER NOT NULL DEFAULT 0,
                cost_usd         REAL,
                estimated        INTEGER NOT NULL DEFAULT 0 CHECK (estimated IN (0, 1))
            );
            CREATE INDEX ix_request_cost_parts_row ON request_cost_parts (request_row);
            -- Escalation records: what each answer cost and how long it took, and the values its checks measured
            -- (a JSON object: logprob_mean, logprob_min, judge, agreement), where known.
            ALTER TABLE escalations ADD COLUMN cheap_cost_usd REAL;
            ALTER TABLE escalations ADD COLUMN cheap_latency_ms REAL;
            ALTER TABLE escalations ADD COLUMN cheap_signals TEXT;
            ALTER TABLE escalations ADD COLUMN final_cost_usd REAL;
            ALTER TABLE escalations ADD COLUMN final_latency_ms REAL;
            ALTER TABLE escalations ADD COLUMN final_signals TEXT;
            """),
        new(17, "the tags of escalated and sampled requests", """
            -- Every tag the request carried (header, metadata.tags or the key's defaults, and the route's), comma-separated:
            -- features of the learned router beside the label. NULL in rows written before.
            ALTER TABLE escalations ADD COLUMN tags TEXT;
            ALTER TABLE outcome_samples ADD COLUMN tags TEXT;
            """),
        new(18, "evaluation runs and their results; shadow comparisons and their counters", """
            -- switchyard eval run: one row per run (its suite's SHA-256, the models, how it ended: running, complete,
            -- cancelled) and one per case, model and repeat, written as each finishes so a cancelled run keeps its part.
            CREATE TABLE eval_runs (
                run_id           TEXT    PRIMARY KEY,
                started_unix_ms  INTEGER NOT NULL,
                finished_unix_ms INTEGER,
                status           TEXT    NOT NULL,
                suite_name       TEXT    NOT NULL,
                suite_path       TEXT,
                suite_hash       TEXT    NOT NULL,
                cases            INTEGER NOT NULL,
                models           TEXT    NOT NULL,
                repeats          INTEGER NOT NULL,
                target           TEXT
            );
            CREATE TABLE eval_results (
                id              INTEGER PRIMARY KEY,
                run_id          TEXT    NOT NULL REFERENCES eval_runs (run_id) ON DELETE CASCADE,
                case_id         TEXT    NOT NULL,
                use_case        TEXT    NOT NULL,
                model           TEXT    NOT NULL,
                repeat_index    INTEGER NOT NULL,
                ts_unix_ms      INTEGER NOT NULL,
                request_id      TEXT,
                deployment      TEXT,
                status          INTEGER,
                stream          INTEGER NOT NULL CHECK (stream IN (0, 1)),
                answer          TEXT,
                score           REAL,
                pass            INTEGER CHECK (pass IN (0, 1)),
                score_detail    TEXT,
                latency_ms      REAL,
                ttft_ms         REAL,
                input_tokens    INTEGER,
                output_tokens   INTEGER,
                cost_usd        REAL,
                cost_estimated  INTEGER NOT NULL DEFAULT 0,
                judge_cost_usd  REAL,
                tries           INTEGER NOT NULL,
                error           TEXT,
                UNIQUE (run_id, case_id, model, repeat_index)
            );
            -- Shadow traffic: one row per live request also sent to a route's candidate deployment, with both answers
            -- (NULL texts when the route keeps none), their checks, costs and times, and which did better.
            CREATE TABLE shadow_comparisons (
                id                       INTEGER PRIMARY KEY,
                ts_unix_ms               INTEGER NOT NULL,
                request_id               TEXT    NOT NULL,
                route                    TEXT    NOT NULL,
                endpoint                 TEXT    NOT NULL,
                label                    TEXT,
                tags                     TEXT,
                confidential             TEXT,
                request_json             TEXT,
                incumbent_deployment     TEXT    NOT NULL,
                incumbent_tier           TEXT,
                incumbent_answer         TEXT,
                incumbent_score          REAL,
                incumbent_failed         TEXT,
                incumbent_judge_score    REAL,
                incumbent_latency_ms     REAL,
                incumbent_input_tokens   INTEGER,
                incumbent_output_tokens  INTEGER,
                incumbent_cost_usd       REAL,
                candidate_deployment     TEXT    NOT NULL,
                candidate_answer         TEXT,
                candidate_score          REAL,
                candidate_failed         TEXT,
                candidate_judge_score    REAL,
                candidate_latency_ms     REAL,
                candidate_input_tokens   INTEGER,
                candidate_output_tokens  INTEGER,
                candidate_cost_usd       REAL,
                candidate_error          TEXT,
                agreement                REAL,
                agreement_detail         TEXT,
                judge_cost_usd           REAL,
                winner                   TEXT
            );
            CREATE INDEX ix_shadow_comparisons_route_ts ON shadow_comparisons (route, ts_unix_ms);
            -- What happened to the requests a route's share picked, per UTC day: compared, or left out and why.
            CREATE TABLE shadow_counters (
                route                 TEXT    NOT NULL,
                candidate             TEXT    NOT NULL,
                day                   TEXT    NOT NULL,
                sampled               INTEGER NOT NULL DEFAULT 0,
                compared              INTEGER NOT NULL DEFAULT 0,
                dropped_saturated     INTEGER NOT NULL DEFAULT 0,
                skipped_budget        INTEGER NOT NULL DEFAULT 0,
                skipped_confidential  INTEGER NOT NULL DEFAULT 0,
                candidate_failed      INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (route, candidate, day)
            );
            """),
        new(19, "stored responses of the Responses API", """
            -- POST /v1/responses with store: true. Each row is one response: the key (and team) that created it, which
            -- alone may read it (or its team, with responses.scope: team); when it expires; the response it continued;
            -- its own input items and the response object (JSON). A conversation is the chain of previous_id links.
            CREATE TABLE stored_responses (
                id              TEXT PRIMARY KEY,
                key_id          TEXT NOT NULL,
                team            TEXT,
                created_unix_ms INTEGER NOT NULL,
                expires_unix_ms INTEGER NOT NULL,
                previous_id     TEXT,
                input_items     TEXT NOT NULL,
                response        TEXT NOT NULL
            );
            -- The purge of expired responses.
            CREATE INDEX ix_stored_responses_expires ON stored_responses (expires_unix_ms);
            """),
    ];

    /// <summary>The newest schema version this build knows.</summary>
    public static int LatestVersion => All[^1].Version;

    /// <summary>
    /// Brings the database up to <see cref="LatestVersion"/> in one transaction: all pending steps apply, or none.
    /// </summary>
    /// <exception cref="SqliteSchemaException">The file's schema is newer than this build knows.</exception>
    public static void Apply(SqliteConnection connection, string databasePath, TimeProvider timeProvider)
    {
        // BEGIN IMMEDIATE takes the write lock before reading the version, so two processes starting at once cannot both
        // decide to apply the same step.
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;

        command.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);";
        command.ExecuteNonQuery();

        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;";
        var current = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (current > LatestVersion)
        {
            throw new SqliteSchemaException(databasePath, current, LatestVersion);
        }

        foreach (var migration in All)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            command.Parameters.Clear();
            command.CommandText = migration.Sql;
            command.ExecuteNonQuery();

            command.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES ($version, $applied_at);";
            command.Parameters.AddWithValue("$version", migration.Version);
            command.Parameters.AddWithValue("$applied_at", timeProvider.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
