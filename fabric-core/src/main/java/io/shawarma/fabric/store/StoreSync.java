package io.shawarma.fabric.store;

/**
 * When a file-backed store forces its writes to the storage device ({@code shawarma.store.sync}).
 */
public enum StoreSync
{
    /**
     * Never (the default): writes go to the page cache. An acknowledged write survives kill -9 of the process, not a
     * crash or power loss of the machine.
     */
    NONE,

    /**
     * Every {@code shawarma.store.sync.interval.ms}, from the worker's duty cycle, never inside a call: a power loss
     * loses at most the writes of the last interval (and of the force in progress).
     */
    INTERVAL,

    /**
     * After every put and remove, before it returns: an acknowledged write survives a power loss. Slow: each write
     * waits for the device (milliseconds on a disk, tens to hundreds of microseconds on an SSD).
     */
    ALWAYS;

    /** The names {@link #of} takes, for messages. */
    public static final String NAMES = "none, interval or always";

    /**
     * @param name a value of {@code shawarma.store.sync}.
     * @return the mode, or null when the name is none of {@link #NAMES}.
     */
    public static StoreSync of(final String name)
    {
        for (final StoreSync sync : values())
        {
            if (sync.name().equalsIgnoreCase(name))
            {
                return sync;
            }
        }
        return null;
    }
}
