package io.shawarma.fabric.grid;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.exceptions.TimeoutException;
import io.aeron.security.AuthenticationException;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.shawarma.codecs.MemberEvent;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.codecs.SubmitDagEncoder;
import io.shawarma.fabric.Configuration;
import io.shawarma.fabric.SharedSecret;
import io.shawarma.messaging.IdleStrategies;
import io.shawarma.udf.Status;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A session with the grid's cluster: sends worker status, submissions, task results and status requests to the
 * leader (following it through elections), decodes what comes back for a {@link GridListener}. Single threaded:
 * the owner calls {@link #poll()} in its duty cycle. A malformed egress message is counted and skipped.
 */
public final class GridClient implements AutoCloseable
{
    private static final long SEND_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    // While a cluster elects a leader a connect request goes unanswered: ask again, for up to this long in all.
    private static final long ELECTION_WAIT_NS = TimeUnit.SECONDS.toNanos(20);
    // One connect attempt; a member in the middle of an election leaves the request unanswered, so ask again.
    private static final long CONNECT_ATTEMPT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(4);
    private static final long KEEP_ALIVE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int INGRESS_TERM_LENGTH = 4 * 1024 * 1024;

    /**
     * The largest DAG, in bytes of UTF-8 JSON, one submission carries: an Aeron message is at most an eighth of the
     * ingress term (512 KiB here), less the cluster's session header and the SubmitDag frame around the JSON.
     */
    public static final int MAX_DAG_JSON_BYTES = FrameDescriptor.computeMaxMessageLength(INGRESS_TERM_LENGTH) -
        AeronCluster.SESSION_HEADER_LENGTH - MessageHeaderEncoder.ENCODED_LENGTH - SubmitDagEncoder.BLOCK_LENGTH -
        SubmitDagEncoder.jsonHeaderLength();

    private final int senderId;
    private final IdleStrategy idle;
    private final GridEncoder encoder = new GridEncoder();
    private final GridEgressDecoder egress;
    private final MessageBatch batch;
    private final AeronCluster cluster;
    private long nextCorrelationId = 1;
    private long lastSentNs = System.nanoTime();

    private GridClient(
        final String aeronDirectoryName, final String ingressEndpoints, final String egressHost, final int senderId,
        final GridListener listener, final String idleStrategy)
    {
        this.senderId = senderId;
        this.egress = new GridEgressDecoder(listener);
        this.batch = new MessageBatch(senderId);
        this.idle = IdleStrategies.of(idleStrategy);
        final long connectTimeoutNs = Configuration.durationNs(
            GridConfiguration.CONNECT_TIMEOUT_MS_PROP, GridConfiguration.CONNECT_TIMEOUT_MS_DEFAULT);
        if (connectTimeoutNs <= 0)
        {
            throw new IllegalArgumentException(GridConfiguration.CONNECT_TIMEOUT_MS_PROP + "=" +
                connectTimeoutNs / 1_000_000 + ": must be positive");
        }
        final AeronCluster.Context context = new AeronCluster.Context()
            .aeronDirectoryName(aeronDirectoryName)
            .ingressChannel("aeron:udp?term-length=" + INGRESS_TERM_LENGTH)
            .ingressEndpoints(ingressEndpoints)
            .egressChannel("aeron:udp?endpoint=" + egressHost + ":0|term-length=4m")
            .messageTimeoutNs(CONNECT_ATTEMPT_TIMEOUT_NS)
            .idleStrategy(IdleStrategies.of(idleStrategy))
            .egressListener(new Egress());
        final SharedSecret secret = ClusterAuthentication.configuredSecret();
        if (null != secret)
        {
            context.credentialsSupplier(new ClusterAuthentication.Credentials(secret));
        }
        if (!ClusterProbe.anyMemberListens(aeronDirectoryName, ingressEndpoints, context.ingressStreamId(),
            connectTimeoutNs))
        {
            throw new IllegalStateException(unreachable(ingressEndpoints, connectTimeoutNs));
        }
        cluster = connectWithRetry(context, ingressEndpoints);
    }

    /**
     * Connects to the cluster, asking again while it elects a leader (for up to 20 s); when no member answers at all
     * within {@link GridConfiguration#CONNECT_TIMEOUT_MS_PROP}, fails at once in one line naming the addresses tried.
     *
     * @param aeronDirectoryName the media driver this process uses.
     * @param host               the cluster members' host.
     * @param portBase           the cluster's port base.
     * @param members            number of cluster members.
     * @param senderId           put in every message's session header (the worker id; clients any id).
     * @param listener           for what the cluster sends.
     * @param idleStrategy       used while a send is back pressured.
     * @return the connected client.
     */
    public static GridClient connect(
        final String aeronDirectoryName, final String host, final int portBase, final int members, final int senderId,
        final GridListener listener, final String idleStrategy)
    {
        return connect(aeronDirectoryName, host, portBase, members, host, senderId, listener, idleStrategy);
    }

    /**
     * As above, with the cluster's answers (egress) received on another address of this host than the cluster's: a
     * host whose address differs from the cluster members' (another machine, or a network namespace) cannot receive
     * on theirs.
     *
     * @param egressHost the address of this host the cluster sends its answers to.
     */
    public static GridClient connect(
        final String aeronDirectoryName, final String host, final int portBase, final int members,
        final String egressHost, final int senderId, final GridListener listener, final String idleStrategy)
    {
        return new GridClient(aeronDirectoryName, GridConfiguration.ingressEndpoints(host, portBase, members),
            egressHost, senderId, listener, idleStrategy);
    }

    /**
     * A client that only decodes egress ({@link #onEgress}) for a listener, with no cluster to talk to: for the fuzz
     * target and tests.
     */
    GridClient(final GridListener listener)
    {
        this.senderId = 0;
        this.egress = new GridEgressDecoder(listener);
        this.batch = new MessageBatch(0);
        this.idle = null;
        this.cluster = null;
    }

    private static AeronCluster connectWithRetry(final AeronCluster.Context context, final String ingressEndpoints)
    {
        final long startNs = System.nanoTime();
        while (true)
        {
            try
            {
                return AeronCluster.connect(context.clone());
            }
            catch (final AuthenticationException ex)
            {
                throw new IllegalStateException("the grid refused this client: " + Configuration.SECRET_FILE_PROP +
                    " must name the grid's shared secret file (the same as the cluster members')", ex);
            }
            catch (final TimeoutException ex)
            {
                final long waitedNs = System.nanoTime() - startNs;
                if (waitedNs >= ELECTION_WAIT_NS)
                {
                    throw new IllegalStateException("the grid's cluster at " + addresses(ingressEndpoints) +
                        " did not accept this client in " + waitedNs / 1_000_000_000L + " s (no leader?): " +
                        "see scripts/shawarma cluster's output, then try again", ex);
                }
            }
        }
    }

    /**
     * @param ingressEndpoints the cluster's ingress endpoints, as Aeron Cluster takes them.
     * @param timeoutNs        how long no member answered.
     * @return one line for an operator: no cluster there, where it was looked for, and what to do.
     */
    static String unreachable(final String ingressEndpoints, final long timeoutNs)
    {
        return "no grid cluster member answered within " + timeoutNs / 1_000_000 + " ms (" +
            GridConfiguration.CONNECT_TIMEOUT_MS_PROP + "): is \"scripts/shawarma cluster\" running? tried " +
            addresses(ingressEndpoints) + " (" + GridConfiguration.HOST_PROP + ", " +
            GridConfiguration.PORT_BASE_PROP + ", " + GridConfiguration.MEMBERS_PROP + ")";
    }

    /**
     * @param ingressEndpoints {@code 0=host:port,1=host:port,...}
     * @return {@code host:port, host:port, ...}
     */
    static String addresses(final String ingressEndpoints)
    {
        return ingressEndpoints.replaceAll("(^|,)\\d+=", "$1").replace(",", ", ");
    }

    /**
     * @return work done: egress messages and session events handled.
     */
    public int poll()
    {
        final long nowNs = System.nanoTime();
        if (nowNs - lastSentNs > KEEP_ALIVE_INTERVAL_NS && cluster.sendKeepAlive())
        {
            // An idle session is closed by the cluster after its session timeout (10 s by default).
            lastSentNs = nowNs;
        }
        return cluster.pollEgress();
    }

    /** @return true once the cluster closed the session (or it timed out). */
    public boolean isClosed()
    {
        return cluster.isClosed();
    }

    /** @return this session's cluster id. */
    public long sessionId()
    {
        return cluster.clusterSessionId();
    }

    /** @return the current leader's member id. */
    public int leaderMemberId()
    {
        return cluster.leaderMemberId();
    }

    /** @return egress messages that could not be decoded. */
    public long malformedMessages()
    {
        return egress.malformedMessages();
    }

    /** Announces a worker, or its heartbeat with load, or its leaving. */
    public boolean workerStatus(
        final MemberEvent event, final int runningTasks, final int load, final String dataChannel)
    {
        return workerStatus(event, runningTasks, load, dataChannel, 0);
    }

    /**
     * Announces a worker, or its heartbeat with load and the epoch of the last complete view (placement and slot
     * moves) it applied, or its leaving.
     */
    public boolean workerStatus(
        final MemberEvent event, final int runningTasks, final int load, final String dataChannel,
        final long syncedEpoch)
    {
        return workerStatus(event, runningTasks, load, dataChannel, syncedEpoch, 0);
    }

    /**
     * As above, with a correlation id the cluster echoes in its {@link GridListener#onHeartbeatAck} once it applied
     * a heartbeat (or a repeated leave): a worker sends its clock's time, and its lease runs from there.
     */
    public boolean workerStatus(
        final MemberEvent event, final int runningTasks, final int load, final String dataChannel,
        final long syncedEpoch, final long correlationId)
    {
        return send(encoder.workerStatus(senderId, event, runningTasks, load, dataChannel, syncedEpoch,
            correlationId));
    }

    /** Reports that a slot move's vertices are installed here; the cluster then commits the move. */
    public boolean slotReceived(final long moveId, final int slot, final int vertexCount)
    {
        return send(encoder.slotReceived(senderId, moveId, slot, vertexCount));
    }

    /**
     * Submits a DAG; the answer arrives as {@link GridListener#onSubmitResult}.
     *
     * @return the submission's correlation id, or 0 when it could not be sent.
     * @throws IllegalArgumentException when the JSON is larger than {@link #MAX_DAG_JSON_BYTES}, with
     *                                  {@link #dagSizeRefusal}'s text; nothing is sent.
     */
    public long submit(final String json)
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        final String refusal = dagSizeRefusal("the DAG", bytes.length);
        if (null != refusal)
        {
            throw new IllegalArgumentException(refusal);
        }
        final long correlationId = nextCorrelationId++;
        return send(encoder.submitDag(senderId, correlationId, bytes)) ? correlationId : 0;
    }

    /**
     * @param what      names the DAG in the text, e.g. its file.
     * @param jsonBytes its size in bytes of UTF-8 JSON.
     * @return null when one submission carries it, else one line naming the size, the limit and what to do.
     */
    public static String dagSizeRefusal(final String what, final long jsonBytes)
    {
        return jsonBytes <= MAX_DAG_JSON_BYTES ? null : what + " is " + jsonBytes + " bytes, over the " +
            MAX_DAG_JSON_BYTES + " bytes one submission carries (the cluster's messages are at most " +
            FrameDescriptor.computeMaxMessageLength(INGRESS_TERM_LENGTH) / 1024 + " KiB): split it into smaller " +
            "DAGs, or shorten its task names and args";
    }

    /**
     * Reports a task's outcome; the cluster answers with {@link GridListener#onTaskResultAck} once it is in the log.
     */
    public boolean taskResult(
        final long dagId, final int task, final int attempt, final Status status, final DirectBuffer result,
        final int resultLength)
    {
        return send(encoder.taskResult(senderId, dagId, task, attempt, status, result, resultLength));
    }

    /**
     * Reports that a running task's input is gone from the worker that held it: the cluster runs the input again.
     *
     * @return false when it could not be sent: send it again.
     */
    public boolean taskInputLost(
        final long dagId, final int task, final int attempt, final int inputTask, final int inputAttempt)
    {
        return send(encoder.taskInputLost(senderId, dagId, task, attempt, inputTask, inputAttempt));
    }

    /**
     * As {@link #taskResult}, collected: every result given until {@link #sendBatch()} goes in one message, one log
     * entry (when the results outgrow a batch, the full batch is sent first).
     *
     * @return false when a full batch could not be sent first.
     */
    public boolean batchTaskResult(
        final long dagId, final int task, final int attempt, final Status status, final DirectBuffer result,
        final int resultLength)
    {
        final int length = encoder.taskResult(senderId, dagId, task, attempt, status, result, resultLength);
        if (!batch.fits(length) && !sendBatch())
        {
            return false;
        }
        batch.add(encoder.buffer(), 0, length);
        return true;
    }

    /**
     * Sends the results collected by {@link #batchTaskResult} as one message.
     *
     * @return false when they could not be sent (they are dropped: send them again).
     */
    public boolean sendBatch()
    {
        if (0 == batch.frames())
        {
            return true;
        }
        batch.complete();
        batch.clear();
        return offer(batch.buffer(), batch.offset(), batch.length());
    }

    /**
     * Asks for the grid's status and, with a DAG id, every task's state.
     *
     * @return the request's correlation id, or 0 when it could not be sent.
     */
    public long requestStatus(final long dagId)
    {
        final long correlationId = nextCorrelationId++;
        return send(encoder.statusRequest(senderId, correlationId, dagId)) ? correlationId : 0;
    }

    /**
     * Sends a ping the service echoes back unchanged ({@link GridListener#onPing}); for round-trip measurements.
     */
    public boolean ping(final long timestampNs)
    {
        return send(encoder.ping(senderId, timestampNs));
    }

    /** Offers bytes as they are, for tests of the service against malformed ingress. */
    boolean sendRaw(final DirectBuffer buffer, final int offset, final int length)
    {
        encoder.buffer().putBytes(0, buffer, offset, length);
        return send(length);
    }

    /** Sends a keep-alive so an idle session is not timed out. */
    public boolean keepAlive()
    {
        return cluster.sendKeepAlive();
    }

    /**
     * Closes the session and the client.
     */
    public void close()
    {
        cluster.close();
    }

    private boolean send(final int length)
    {
        return offer(encoder.buffer(), 0, length);
    }

    private boolean offer(final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadlineNs = System.nanoTime() + SEND_TIMEOUT_NS;
        idle.reset();
        while (true)
        {
            final long result = cluster.offer(buffer, offset, length);
            if (result > 0)
            {
                lastSentNs = System.nanoTime();
                return true;
            }
            if (cluster.isClosed() || System.nanoTime() - deadlineNs >= 0)
            {
                return false;
            }
            // Back pressure, or no leader during an election: egress must keep flowing to learn the new leader.
            cluster.pollEgress();
            idle.idle();
        }
    }

    /** Decodes one egress message for the listener (see {@link GridEgressDecoder#onEgress}). */
    void onEgress(final DirectBuffer buffer, final int offset, final int length)
    {
        egress.onEgress(buffer, offset, length);
    }

    private final class Egress implements EgressListener
    {
        public void onMessage(
            final long clusterSessionId, final long timestamp, final DirectBuffer buffer, final int offset,
            final int length, final Header header)
        {
            onEgress(buffer, offset, length);
        }
    }
}
