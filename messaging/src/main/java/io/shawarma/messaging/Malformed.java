package io.shawarma.messaging;

/**
 * Why a frame was refused by {@link FabricAdapter}. Stable numbers, reported to the handler and counted.
 */
public final class Malformed
{
    /** Shorter than the headers or than the lengths it declares. */
    public static final int TRUNCATED = 0;
    /** Another SBE schema id: not a Shawarma frame. */
    public static final int WRONG_SCHEMA = 1;
    /** A schema version this build does not read. */
    public static final int UNSUPPORTED_VERSION = 2;
    /** A template id this build does not know. */
    public static final int UNKNOWN_TEMPLATE = 3;
    /** A block length shorter than the message's fixed fields, or a negative data length. */
    public static final int BAD_LENGTH = 4;
    /** A value outside its enum. */
    public static final int BAD_ENUM = 5;

    /** Number of reasons. */
    public static final int REASON_COUNT = 6;

    private static final String[] DESCRIPTIONS =
    {
        "truncated frame", "wrong schema id", "unsupported schema version", "unknown template id",
        "bad block or data length", "value outside its enum"
    };

    private Malformed()
    {
    }

    /**
     * @param reason one of the constants above.
     * @return a constant description, safe on the hot path.
     */
    public static String describe(final int reason)
    {
        return reason >= 0 && reason < REASON_COUNT ? DESCRIPTIONS[reason] : "unknown reason";
    }
}
