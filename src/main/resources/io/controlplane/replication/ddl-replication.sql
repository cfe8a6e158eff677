-- Automatic DDL replication over pglogical 2.4 (pglogical-ddl.md in the design references): origin-only
-- event triggers queue each DDL statement in pglogical.queue (set ddl_sql) without running it again; ALWAYS
-- triggers keep tables in their replication set (default with a key, default_insert_only without) and let
-- DROP TABLE leave its set first. Installed by the control plane in one transaction with
-- ddlrep.enabled = off; every statement is re-runnable. Never run it by hand.
SET LOCAL ddlrep.enabled = off;   -- do not replicate the installation itself
CREATE SCHEMA IF NOT EXISTS ddlrep;
REVOKE ALL ON SCHEMA ddlrep FROM PUBLIC;

-- Local (never replicated) audit trail of what the triggers did.
CREATE TABLE IF NOT EXISTS ddlrep.ddl_log (
    id          bigserial PRIMARY KEY,
    logged_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    repl_role   text NOT NULL DEFAULT current_setting('session_replication_role'),
    kind        text NOT NULL,          -- queued | repset | warning
    command_tag text,
    detail      text
);

-- Split a query string into statements (quotes, "idents", E'' strings,
-- $tag$ bodies, -- and nested /* */ comments aware).
CREATE OR REPLACE FUNCTION ddlrep.split_statements(q text)
RETURNS text[] LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
DECLARE
    ch    text[] := string_to_array(q, NULL);
    n     int := coalesce(array_length(ch, 1), 0);
    i     int := 1;
    st    int := 1;
    j     int;
    k     int;
    depth int;
    esc   boolean;
    tag   text;
    s     text;
    res   text[] := '{}';
BEGIN
    WHILE i <= n LOOP
        IF ch[i] = '''' THEN
            esc := i > 1 AND ch[i-1] IN ('E','e') AND (i = 2 OR ch[i-2] !~ '[[:alnum:]_]');
            i := i + 1;
            WHILE i <= n LOOP
                IF esc AND ch[i] = '\' THEN
                    i := i + 2;
                ELSIF ch[i] = '''' THEN
                    IF i < n AND ch[i+1] = '''' THEN i := i + 2; ELSE EXIT; END IF;
                ELSE
                    i := i + 1;
                END IF;
            END LOOP;
            i := i + 1;
        ELSIF ch[i] = '"' THEN
            i := i + 1;
            WHILE i <= n AND ch[i] <> '"' LOOP i := i + 1; END LOOP;
            i := i + 1;
        ELSIF ch[i] = '-' AND i < n AND ch[i+1] = '-' THEN
            WHILE i <= n AND ch[i] <> E'\n' LOOP i := i + 1; END LOOP;
        ELSIF ch[i] = '/' AND i < n AND ch[i+1] = '*' THEN
            depth := 1; i := i + 2;
            WHILE i <= n AND depth > 0 LOOP
                IF ch[i] = '/' AND i < n AND ch[i+1] = '*' THEN depth := depth + 1; i := i + 2;
                ELSIF ch[i] = '*' AND i < n AND ch[i+1] = '/' THEN depth := depth - 1; i := i + 2;
                ELSE i := i + 1;
                END IF;
            END LOOP;
        ELSIF ch[i] = '$' AND (i = 1 OR ch[i-1] !~ '[[:alnum:]_$]') THEN
            j := i + 1;
            WHILE j <= n AND ch[j] ~ '[[:alnum:]_]' LOOP j := j + 1; END LOOP;
            IF j <= n AND ch[j] = '$' AND (j = i + 1 OR ch[i+1] !~ '[0-9]') THEN
                tag := array_to_string(ch[i:j], '');
                k := strpos(array_to_string(ch[j+1:n], ''), tag);
                IF k = 0 THEN i := n + 1; ELSE i := j + k + length(tag); END IF;
            ELSE
                i := j;
            END IF;
        ELSIF ch[i] = ';' THEN
            s := btrim(array_to_string(ch[st:i-1], ''), E' \t\r\n');
            IF ddlrep.stmt_head(s) <> '' THEN res := res || s; END IF;
            i := i + 1; st := i;
        ELSE
            i := i + 1;
        END IF;
    END LOOP;
    s := btrim(array_to_string(ch[st:n], ''), E' \t\r\n');
    IF ddlrep.stmt_head(s) <> '' THEN res := res || s; END IF;
    RETURN res;
END $f$;

-- Statement with leading comments/whitespace removed.
CREATE OR REPLACE FUNCTION ddlrep.stmt_strip(s text)
RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
DECLARE prev text;
BEGIN
    LOOP
        prev := s;
        s := regexp_replace(s, '^\s+', '');
        s := regexp_replace(s, '^--[^\n]*', '');
        s := regexp_replace(s, '^/\*.*?\*/', '');
        EXIT WHEN s = prev;
    END LOOP;
    RETURN s;
END $f$;

-- Upper-cased, whitespace-normalised head of a statement.
CREATE OR REPLACE FUNCTION ddlrep.stmt_head(s text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT AS
$f$ SELECT upper(left(regexp_replace(ddlrep.stmt_strip(s), '\s+', ' ', 'g'), 120)) $f$;

-- Find the text of the statement that fired the event trigger.
-- current_query() is the whole client message; for multi-statement
-- messages a per-message cursor (session GUC ddlrep.cursor) walks the
-- statements in order, matching the command tag's first keyword and,
-- when possible, the affected object's name.
CREATE OR REPLACE FUNCTION ddlrep.pick_statement(p_tag text, p_names text[])
RETURNS text LANGUAGE plpgsql AS $f$
DECLARE
    q     text := current_query();
    key   text := md5(q) || '@' || statement_timestamp()::text;
    cur   text := current_setting('ddlrep.cursor', true);
    pos   int := 0;
    stmts text[];
    cnt   int;
    head  text;
    word  text := split_part(p_tag, ' ', 1);
    k     int;
    pass  int;
    nm    text;
    ok    boolean;
BEGIN
    IF cur IS NOT NULL AND split_part(cur, '|', 1) = key THEN
        pos := split_part(cur, '|', 2)::int;
    END IF;
    stmts := ddlrep.split_statements(q);
    cnt := coalesce(array_length(stmts, 1), 0);
    IF cnt = 0 THEN RETURN NULL; END IF;

    IF cnt = 1 THEN
        head := ddlrep.stmt_head(stmts[1]);
        IF split_part(head, ' ', 1) = word THEN
            RETURN stmts[1];                       -- the common case
        END IF;
        -- DDL issued from inside a function / DO block / procedure:
        -- ship the outer statement once per execution.
        IF pos > 0 THEN RETURN NULL; END IF;
        PERFORM set_config('ddlrep.cursor', key || '|1', false);
        IF split_part(head, ' ', 1) IN ('DO', 'CALL', 'SELECT') THEN
            INSERT INTO ddlrep.ddl_log(kind, command_tag, detail)
            VALUES ('warning', p_tag, 'replicating enclosing statement: ' || left(stmts[1], 200));
            RETURN stmts[1];
        END IF;
        RAISE WARNING 'ddlrep: % issued from "%" is not replicated', p_tag, left(stmts[1], 60);
        INSERT INTO ddlrep.ddl_log(kind, command_tag, detail)
        VALUES ('warning', p_tag, 'not replicated (nested in DML): ' || left(stmts[1], 200));
        RETURN NULL;
    END IF;

    FOR pass IN 1 .. 2 LOOP
        FOR k IN pos + 1 .. cnt LOOP
            head := ddlrep.stmt_head(stmts[k]);
            CONTINUE WHEN split_part(head, ' ', 1) <> word;
            ok := (pass = 2 OR cardinality(p_names) = 0);
            IF NOT ok THEN
                FOREACH nm IN ARRAY p_names LOOP
                    IF nm IS NOT NULL AND strpos(lower(stmts[k]), lower(nm)) > 0 THEN
                        ok := true; EXIT;
                    END IF;
                END LOOP;
            END IF;
            IF ok THEN
                PERFORM set_config('ddlrep.cursor', key || '|' || k, false);
                RETURN stmts[k];
            END IF;
        END LOOP;
    END LOOP;
    RAISE WARNING 'ddlrep: could not isolate % in a multi-statement query; not replicated', p_tag;
    INSERT INTO ddlrep.ddl_log(kind, command_tag, detail)
    VALUES ('warning', p_tag, 'not isolated in multi-statement query: ' || left(q, 200));
    RETURN NULL;
END $f$;

-- Put one DDL statement into pglogical's own queue (replication set ddl_sql)
-- WITHOUT executing it locally (it already ran). Same row format as
-- pglogical.replicate_ddl_command(): message = JSON string, type 'Q'.
CREATE OR REPLACE FUNCTION ddlrep.enqueue(p_tag text, p_sql text)
RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
    v_role name := CASE WHEN current_setting('role') = 'none'
                        THEN session_user ELSE current_setting('role') END;
    v_sql  text;
BEGIN
    -- CONCURRENTLY cannot run inside the apply worker's transaction:
    -- replay CREATE/DROP INDEX and REINDEX without it on the peer.
    IF ddlrep.stmt_head(p_sql) ~ '^(CREATE (UNIQUE )?INDEX|DROP INDEX|REINDEX [A-Z]+) CONCURRENTLY ' THEN
        p_sql := regexp_replace(ddlrep.stmt_strip(p_sql), '\s+CONCURRENTLY\s+', ' ', 'i');
    ELSIF ddlrep.stmt_head(p_sql) ~ '^REINDEX \(.*\) CONCURRENTLY ' THEN
        p_sql := regexp_replace(ddlrep.stmt_strip(p_sql), '\s+CONCURRENTLY\s+', ' ', 'i');
    END IF;
    v_sql := format('SELECT pg_catalog.set_config(''search_path'', %L, true);' || E'\n%s',
                    current_setting('search_path'), p_sql);
    INSERT INTO pglogical.queue (queued_at, role, replication_sets, message_type, message)
    VALUES (now(), v_role, ARRAY['ddl_sql'], 'Q', to_json(v_sql));
    INSERT INTO ddlrep.ddl_log(kind, command_tag, detail) VALUES ('queued', p_tag, p_sql);
END $f$;
REVOKE ALL ON FUNCTION ddlrep.enqueue(text, text) FROM PUBLIC;

-- Keep a table in the right replication set: 'default' when it has a
-- primary key (or REPLICA IDENTITY USING INDEX), else 'default_insert_only'.
CREATE OR REPLACE FUNCTION ddlrep.sync_repset(p_rel oid)
RETURNS text LANGUAGE plpgsql AS $f$
DECLARE
    c      record;
    has_id boolean;
    want   text;
    cur    text[];
BEGIN
    SELECT cl.oid, cl.relkind, cl.relpersistence, cl.relreplident, n.nspname
      INTO c FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace
     WHERE cl.oid = p_rel;
    IF NOT FOUND OR c.relkind NOT IN ('r', 'p') OR c.relpersistence <> 'p'
       OR c.nspname IN ('pglogical', 'ddlrep', 'information_schema') OR c.nspname LIKE 'pg\_%' THEN
        RETURN NULL;
    END IF;
    has_id := EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = p_rel
                        AND ((c.relreplident = 'd' AND i.indisprimary)
                          OR (c.relreplident = 'i' AND i.indisreplident)));
    want := CASE WHEN has_id THEN 'default' ELSE 'default_insert_only' END;
    SELECT array_agg(rs.set_name::text) INTO cur
      FROM pglogical.replication_set_table rt
      JOIN pglogical.replication_set rs ON rs.set_id = rt.set_id
     WHERE rt.set_reloid = p_rel;
    IF want = ANY (coalesce(cur, '{}')) THEN RETURN want; END IF;
    IF cur IS NOT NULL AND array_length(cur, 1) > 0 THEN
        -- moving between default and default_insert_only (PK added/dropped)
        PERFORM pglogical.replication_set_remove_table(s, p_rel)
           FROM unnest(cur) s WHERE s IN ('default', 'default_insert_only');
    END IF;
    BEGIN
        PERFORM pglogical.replication_set_add_table(want, p_rel, false);
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'ddlrep: could not add % to replication set %: %', p_rel::regclass, want, SQLERRM;
        INSERT INTO ddlrep.ddl_log(kind, command_tag, detail)
        VALUES ('warning', 'repset', format('%s -> %s failed: %s', p_rel::regclass, want, SQLERRM));
        RETURN NULL;
    END;
    IF NOT has_id THEN
        RAISE WARNING 'ddlrep: table % has no primary key; only INSERTs are replicated (set default_insert_only)', p_rel::regclass;
    END IF;
    INSERT INTO ddlrep.ddl_log(kind, command_tag, detail)
    VALUES ('repset', 'repset', format('%s -> %s', p_rel::regclass, want));
    RETURN want;
END $f$;

-- Trigger 1 (origin sessions only): capture non-DROP DDL.
-- No SET search_path here: the caller's search_path must be captured.
-- Every reference inside is schema-qualified instead.
CREATE OR REPLACE FUNCTION ddlrep.on_ddl_capture()
RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $f$
DECLARE
    r      record;
    n_all  int := 0;
    n_rep  int := 0;
    names  text[] := '{}';
    stmt   text;
BEGIN
    IF current_setting('ddlrep.enabled', true) = 'off' THEN RETURN; END IF;
    IF TG_TAG LIKE 'DROP %' THEN RETURN; END IF;           -- done in sql_drop
    IF current_query() ~* 'replicate_ddl_command' THEN RETURN; END IF;
    FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
        n_all := n_all + 1;
        CONTINUE WHEN r.in_extension;
        CONTINUE WHEN r.schema_name IS NOT NULL
             AND (r.schema_name LIKE 'pg\_temp%' OR r.schema_name IN ('pglogical', 'ddlrep'));
        n_rep := n_rep + 1;
        IF r.object_identity IS NOT NULL THEN
            names := names || replace(regexp_replace(r.object_identity, '^.*\.', ''), '"', '');
        END IF;
    END LOOP;
    IF n_all > 0 AND n_rep = 0 THEN RETURN; END IF;        -- temp/internal only
    stmt := ddlrep.pick_statement(TG_TAG, names);
    IF stmt IS NOT NULL THEN PERFORM ddlrep.enqueue(TG_TAG, stmt); END IF;
END $f$;

-- Trigger 2 (origin sessions only): capture DROP statements.
-- No SET search_path here: the caller's search_path must be captured.
-- Every reference inside is schema-qualified instead.
CREATE OR REPLACE FUNCTION ddlrep.on_drop_capture()
RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $f$
DECLARE
    r      record;
    n_rep  int := 0;
    names  text[] := '{}';
    stmt   text;
BEGIN
    IF current_setting('ddlrep.enabled', true) = 'off' THEN RETURN; END IF;
    IF TG_TAG NOT LIKE 'DROP %' THEN RETURN; END IF;       -- e.g. ALTER TABLE DROP COLUMN
    IF current_query() ~* 'replicate_ddl_command' THEN RETURN; END IF;
    FOR r IN SELECT * FROM pg_event_trigger_dropped_objects() WHERE original LOOP
        CONTINUE WHEN r.is_temporary OR coalesce(r.schema_name, '') IN ('pglogical', 'ddlrep');
        n_rep := n_rep + 1;
        IF r.object_name IS NOT NULL THEN names := names || r.object_name::text; END IF;
    END LOOP;
    IF n_rep = 0 THEN RETURN; END IF;
    stmt := ddlrep.pick_statement(TG_TAG, names);
    IF stmt IS NOT NULL THEN PERFORM ddlrep.enqueue(TG_TAG, stmt); END IF;
END $f$;

-- Trigger 3 (ALWAYS: user sessions and the pglogical apply worker):
-- keep new/altered tables in the right replication set.
CREATE OR REPLACE FUNCTION ddlrep.on_ddl_repset()
RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $f$
DECLARE r record;
BEGIN
    FOR r IN SELECT DISTINCT objid FROM pg_event_trigger_ddl_commands()
              WHERE object_type IN ('table')
                AND command_tag IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE')
    LOOP
        PERFORM ddlrep.sync_repset(r.objid);
    END LOOP;
END $f$;

-- Trigger 4 (ALWAYS, ddl_command_start for DROP TABLE): pglogical records a
-- dependency "table membership in replication set", so a plain DROP TABLE
-- (RESTRICT) fails on both nodes. Remove the named tables from their
-- replication sets first; it is transactional, so a failed DROP undoes it.
CREATE OR REPLACE FUNCTION ddlrep.on_drop_table_start()
RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $f$
DECLARE
    s    text;
    body text;
    nm   text;
    rel  regclass;
    r    record;
BEGIN
    FOREACH s IN ARRAY coalesce(ddlrep.split_statements(current_query()), '{}') LOOP
        CONTINUE WHEN ddlrep.stmt_head(s) NOT LIKE 'DROP TABLE %';
        body := regexp_replace(ddlrep.stmt_strip(s), '^DROP\s+TABLE\s+(IF\s+EXISTS\s+)?', '', 'i');
        body := regexp_replace(body, '\s+(CASCADE|RESTRICT)\s*$', '', 'i');
        FOREACH nm IN ARRAY string_to_array(body, ',') LOOP
            rel := pg_catalog.to_regclass(btrim(nm, E' \t\r\n'));
            CONTINUE WHEN rel IS NULL;
            FOR r IN SELECT rs.set_name FROM pglogical.replication_set_table rt
                       JOIN pglogical.replication_set rs ON rs.set_id = rt.set_id
                      WHERE rt.set_reloid = rel LOOP
                PERFORM pglogical.replication_set_remove_table(r.set_name, rel);
            END LOOP;
        END LOOP;
    END LOOP;
END $f$;

DROP EVENT TRIGGER IF EXISTS ddlrep_capture;
DROP EVENT TRIGGER IF EXISTS ddlrep_capture_drop;
DROP EVENT TRIGGER IF EXISTS ddlrep_repset;
CREATE EVENT TRIGGER ddlrep_capture ON ddl_command_end EXECUTE FUNCTION ddlrep.on_ddl_capture();
CREATE EVENT TRIGGER ddlrep_capture_drop ON sql_drop EXECUTE FUNCTION ddlrep.on_drop_capture();
CREATE EVENT TRIGGER ddlrep_repset ON ddl_command_end EXECUTE FUNCTION ddlrep.on_ddl_repset();
ALTER EVENT TRIGGER ddlrep_repset ENABLE ALWAYS;
DROP EVENT TRIGGER IF EXISTS ddlrep_drop_table_start;
CREATE EVENT TRIGGER ddlrep_drop_table_start ON ddl_command_start
    WHEN TAG IN ('DROP TABLE') EXECUTE FUNCTION ddlrep.on_drop_table_start();
ALTER EVENT TRIGGER ddlrep_drop_table_start ENABLE ALWAYS;
COMMENT ON SCHEMA ddlrep IS 'control plane DDL replication 1';
