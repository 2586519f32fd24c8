package io.shawarma.fabric;

import io.shawarma.messaging.IdleStrategies;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;

import static io.shawarma.fabric.Configuration.*;

/**
 * Settings every fabric participant (worker or client) has, each defaulted from its system property.
 *
 * @param <C> the concrete context, returned by the fluent setters.
 */
public abstract class ParticipantContext<C extends ParticipantContext<C>>
{
    private String fabric = string(FABRIC_PROP, null);
    private FabricMembers members;
    private String channel = string(CHANNEL_PROP, null);
    private int streamBase = integer(STREAM_BASE_PROP, STREAM_BASE_DEFAULT);
    private String driver = string(DRIVER_PROP, DRIVER_DEFAULT);
    private String aeronDirectoryName = string(AERON_DIR_PROP, null);
    private String driverIdleStrategy = string(DRIVER_IDLE_PROP, null);
    private String idleStrategy = string(IDLE_PROP, IDLE_DEFAULT);
    private int termLength = integer(TERM_LENGTH_PROP, TERM_LENGTH_DEFAULT);
    private int maxPayloadBytes = integer(MAX_PAYLOAD_BYTES_PROP, MAX_PAYLOAD_BYTES_DEFAULT);
    private long offerTimeoutNs = durationNs(OFFER_TIMEOUT_MS_PROP, OFFER_TIMEOUT_MS_DEFAULT);
    private long callTimeoutNs = durationNs(CALL_TIMEOUT_MS_PROP, CALL_TIMEOUT_MS_DEFAULT);
    private int maxPendingCalls = integer(MAX_PENDING_CALLS_PROP, MAX_PENDING_CALLS_DEFAULT);
    private String secretFile = string(SECRET_FILE_PROP, null);
    private SharedSecret secret;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;

    /**
     * @return this context as its concrete type, for setters' return values.
     */
    @SuppressWarnings("unchecked")
    protected final C self()
    {
        return (C)this;
    }

    /**
     * Validates the shared settings.
     *
     * @param defaultMembers the fabric when neither {@link #members} nor the fabric property is set, or null.
     * @throws IllegalArgumentException naming the property and the bad value.
     */
    void concludeShared(final String defaultMembers)
    {
        if (null == members)
        {
            final String spec = null != fabric ? fabric : defaultMembers;
            check(null != spec, FABRIC_PROP, null, "required: the fabric's workers as id@channel[,id@channel...]");
            members = FabricMembers.parse(spec, FABRIC_PROP);
        }
        check("embedded".equals(driver) || "external".equals(driver), DRIVER_PROP, driver,
            "expected embedded or external");
        check(!"external".equals(driver) || null != aeronDirectoryName, AERON_DIR_PROP, null,
            "required with " + DRIVER_PROP + "=external");
        checkIdle(IDLE_PROP, idleStrategy);
        if (null == driverIdleStrategy)
        {
            driverIdleStrategy = idleStrategy;
        }
        checkIdle(DRIVER_IDLE_PROP, driverIdleStrategy);
        check(Integer.bitCount(termLength) == 1 && termLength >= 64 * 1024, TERM_LENGTH_PROP, termLength,
            "a power of two of at least 64 KiB");
        check(maxPayloadBytes > 0 && maxPayloadBytes <= termLength / 8 - 256, MAX_PAYLOAD_BYTES_PROP,
            maxPayloadBytes, "positive and below 1/8 of " + TERM_LENGTH_PROP + " (Aeron's largest message)");
        check(offerTimeoutNs >= 0, OFFER_TIMEOUT_MS_PROP, offerTimeoutNs / 1_000_000.0, "not negative");
        check(callTimeoutNs > 0, CALL_TIMEOUT_MS_PROP, callTimeoutNs / 1_000_000.0, "positive");
        check(maxPendingCalls > 0, MAX_PENDING_CALLS_PROP, maxPendingCalls, "positive");
        if (null != secretFile && null == secret)
        {
            secret = SharedSecret.load(Path.of(secretFile), SECRET_FILE_PROP);
        }
    }

    private static void checkIdle(final String property, final String name)
    {
        try
        {
            IdleStrategies.of(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(property + "=" + name + ": " + ex.getMessage(), ex);
        }
    }

    /** @return the fabric's workers. */
    public FabricMembers members()
    {
        return members;
    }

    /** @param members the fabric's workers. @return this. */
    public C members(final FabricMembers members)
    {
        this.members = members;
        return self();
    }

    /** @param fabric the fabric's workers as {@code id@channel,...}. @return this. */
    public C fabric(final String fabric)
    {
        this.fabric = fabric;
        this.members = null;
        return self();
    }

    /** @return the channel this participant receives on. */
    public String channel()
    {
        return channel;
    }

    /** @param channel the channel this participant receives on. @return this. */
    public C channel(final String channel)
    {
        this.channel = channel;
        return self();
    }

    /** @return the stream id base: participant N receives on base + N. */
    public int streamBase()
    {
        return streamBase;
    }

    /** @param streamBase the stream id base. @return this. */
    public C streamBase(final int streamBase)
    {
        this.streamBase = streamBase;
        return self();
    }

    /** @return embedded or external. */
    public String driver()
    {
        return driver;
    }

    /** @param driver embedded (own media driver under /dev/shm) or external. @return this. */
    public C driver(final String driver)
    {
        this.driver = driver;
        return self();
    }

    /** @return the external media driver's directory. */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /** @param aeronDirectoryName the external media driver's directory. @return this. */
    public C aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return self();
    }

    /** @return idle strategy of the embedded driver's thread. */
    public String driverIdleStrategy()
    {
        return driverIdleStrategy;
    }

    /** @param driverIdleStrategy of the embedded driver's thread; default {@link #idleStrategy()}. @return this. */
    public C driverIdleStrategy(final String driverIdleStrategy)
    {
        this.driverIdleStrategy = driverIdleStrategy;
        return self();
    }

    /** @return idle strategy of this participant's thread. */
    public String idleStrategy()
    {
        return idleStrategy;
    }

    /** @param idleStrategy busy-spin, noop, yielding, backoff or sleeping. @return this. */
    public C idleStrategy(final String idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return self();
    }

    /** @return term length of the embedded driver's publications. */
    public int termLength()
    {
        return termLength;
    }

    /** @param termLength power of two, at least 64 KiB. @return this. */
    public C termLength(final int termLength)
    {
        this.termLength = termLength;
        return self();
    }

    /** @return largest args, result or value in one message. */
    public int maxPayloadBytes()
    {
        return maxPayloadBytes;
    }

    /** @param maxPayloadBytes largest args, result or value in one message. @return this. */
    public C maxPayloadBytes(final int maxPayloadBytes)
    {
        this.maxPayloadBytes = maxPayloadBytes;
        return self();
    }

    /** @return how long an offer is retried under back pressure. */
    public long offerTimeoutNs()
    {
        return offerTimeoutNs;
    }

    /**
     * @param offerTimeoutNs how long a message is retried under back pressure (in place by a client, on later duty
     *                       cycles by a worker).
     * @return this.
     */
    public C offerTimeoutNs(final long offerTimeoutNs)
    {
        this.offerTimeoutNs = offerTimeoutNs;
        return self();
    }

    /** @return how long a call waits for its answer before TIMEOUT. */
    public long callTimeoutNs()
    {
        return callTimeoutNs;
    }

    /** @param callTimeoutNs how long a call waits for its answer before TIMEOUT. @return this. */
    public C callTimeoutNs(final long callTimeoutNs)
    {
        this.callTimeoutNs = callTimeoutNs;
        return self();
    }

    /** @return most calls in flight. */
    public int maxPendingCalls()
    {
        return maxPendingCalls;
    }

    /** @param maxPendingCalls most calls in flight. @return this. */
    public C maxPendingCalls(final int maxPendingCalls)
    {
        this.maxPendingCalls = maxPendingCalls;
        return self();
    }

    /** @return file of the fabric's shared secret, or null for no authentication. */
    public String secretFile()
    {
        return secretFile;
    }

    /** @param secretFile of the fabric's shared secret, or null for no authentication. @return this. */
    public C secretFile(final String secretFile)
    {
        this.secretFile = secretFile;
        this.secret = null;
        return self();
    }

    /** @return the shared secret, loaded by conclude; null when the fabric does not authenticate. */
    SharedSecret secret()
    {
        return secret;
    }

    /** @return the clock deadlines and round trips are measured with; the agent reads it once per duty cycle. */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /** @param nanoClock to measure deadlines and round trips with (tests drive a manual one). @return this. */
    public C nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return self();
    }
}
