-- Documents: keyed, mutable state. Conditional updates are single UPDATE statements, so the
-- row lock makes "decided exactly once" hold across instances.
CREATE TABLE documents (
    kind text NOT NULL,
    key text NOT NULL,
    doc jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX documents_kind_updated ON documents (kind, updated_at DESC);
-- The fields the workflows filter on: approval state, report status, department.
CREATE INDEX documents_kind_state ON documents (kind, (doc ->> 'state'), updated_at);
CREATE INDEX documents_kind_status ON documents (kind, (doc ->> 'status'), updated_at);
CREATE INDEX documents_kind_department ON documents (kind, (doc ->> 'department'));

-- Records: append-only logs, partitioned by kind (LIST), then by month (RANGE on at), so that
-- retention drops whole months of one kind. Leaf partitions are created on first use by
-- storage_record_partition(). Because every leaf holds one kind, the indexes need no kind
-- column: partition pruning does the (kind, ...) part.
-- rnd is a random key drawn at insert: a sample is the next n rows after a random point in rnd
-- order, read from an index instead of sorting a whole month.
CREATE TABLE records (
    kind text NOT NULL,
    id text NOT NULL,
    at timestamptz NOT NULL,
    rnd double precision NOT NULL DEFAULT random(),
    doc jsonb NOT NULL
) PARTITION BY LIST (kind);
CREATE INDEX records_at ON records (at);
CREATE INDEX records_id ON records (id);
CREATE INDEX records_rnd ON records (rnd);
CREATE INDEX records_department ON records ((doc ->> 'department'), at);
CREATE INDEX records_service ON records ((doc ->> 'service'), at);
CREATE INDEX records_user ON records ((doc ->> 'user_id'), at);

CREATE FUNCTION storage_record_partition(p_kind text, p_at timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    kind_table text := 'records_' || p_kind;
    month_start timestamptz := date_trunc('month', p_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    month_table text := kind_table || '_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYYMM');
BEGIN
    IF to_regclass(quote_ident(month_table)) IS NOT NULL THEN
        RETURN month_table;
    END IF;
    -- Instances may race to create the same month; the first one does, the others wait.
    PERFORM pg_advisory_xact_lock(hashtext(current_schema() || '.records.' || p_kind));
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF records FOR VALUES IN (%L) PARTITION BY RANGE (at)',
                   kind_table, p_kind);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                   month_table, kind_table, month_start, month_start + interval '1 month');
    RETURN month_table;
END
$$;

-- Rate-limit events shared by all instances.
CREATE TABLE hits (
    bucket text NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX hits_bucket_at ON hits (bucket, at);

-- Named leases (one purge, one expiry sweep at a time across instances).
CREATE TABLE leases (
    name text PRIMARY KEY,
    owner text NOT NULL,
    expires_at timestamptz NOT NULL
);
