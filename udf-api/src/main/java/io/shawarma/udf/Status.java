package io.shawarma.udf;

/**
 * Outcome of a call, with numbers that never change: they are the same on the wire (the SBE {@code Status} enum in
 * the codecs module, checked by a test) and in every client.
 */
public enum Status
{
    /** The call ran and its result is valid. */
    OK(0),
    /** The owner has no vertex with that id. */
    NO_SUCH_VERTEX(1),
    /** No UDF with that id is registered on the worker that ran the call. */
    NO_SUCH_UDF(2),
    /** The UDF threw or returned a failure. */
    UDF_FAILED(3),
    /** The frame could not be decoded: truncated, unknown template, wrong schema or version, bad lengths. */
    MALFORMED(4),
    /** A publication stayed back pressured beyond the bounded retry, or too many calls are in flight. */
    BACK_PRESSURED(5),
    /** No answer arrived before the caller's deadline. */
    TIMEOUT(6),
    /** The receiver does not own the vertex; the reply names the owner and the placement epoch. */
    MOVED(7),
    /** The sender has not authenticated. */
    UNAUTHENTICATED(8),
    /** The vertex is lent to another worker exclusively (or the loan conflicts with one); retry shortly. */
    LENT(9),
    /** A borrowed copy came back after its lease ended and could not be merged; the borrower's writes were refused. */
    LEASE_EXPIRED(10),
    /**
     * The owner's vertex store is full: the write was not applied. Retrying does not help until space is freed
     * (vertices removed) or the store's limits are raised; the reply's text names the limit that was reached.
     */
    STORE_FULL(11),
    /**
     * The vertex's owner cannot be reached: it is down, or not connected to the worker or client that would send it
     * the call. The call was not sent to the owner, so it did not run; the reply names the owner, and retrying after
     * the owner is back is safe.
     */
    OWNER_UNREACHABLE(12);

    private static final Status[] BY_CODE = values();

    private final int code;

    Status(final int code)
    {
        this.code = code;
    }

    /**
     * @return the stable numeric code of this status.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code a stable numeric code.
     * @return the status with that code, or {@code null} when the code is unknown.
     */
    public static Status of(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
