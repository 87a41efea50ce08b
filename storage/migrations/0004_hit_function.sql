-- A rate-limit hit in one statement: the bot counts one on every message and card action, and
-- as a transaction of its own it took six round trips (BEGIN, lock, delete, insert, count,
-- COMMIT). Called in autocommit, the advisory lock lasts until this statement's transaction
-- ends, so hits on one bucket still take turns across instances; each statement of a VOLATILE
-- function reads a fresh snapshot, so the count sees every hit committed before the lock was had.
CREATE FUNCTION storage_hit(p_bucket text, p_window double precision) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    counted bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(current_schema() || ':hit:' || p_bucket, 0));
    DELETE FROM hits WHERE bucket = p_bucket AND at <= clock_timestamp() - make_interval(secs => p_window);
    INSERT INTO hits (bucket, at) VALUES (p_bucket, clock_timestamp());
    SELECT count(*) INTO counted FROM hits
        WHERE bucket = p_bucket AND at > clock_timestamp() - make_interval(secs => p_window);
    RETURN counted;
END
$$;
