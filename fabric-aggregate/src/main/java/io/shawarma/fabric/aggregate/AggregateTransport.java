package io.shawarma.fabric.aggregate;

import io.aeron.Aeron;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.shawarma.codecs.AggregateExportsDecoder;
import io.shawarma.codecs.AggregateExportsEncoder;
import io.shawarma.codecs.AggregateResultsDecoder;
import io.shawarma.codecs.AggregateResultsEncoder;
import io.shawarma.codecs.AggregateResultsTakenDecoder;
import io.shawarma.codecs.AggregateResultsTakenEncoder;
import io.shawarma.codecs.AggregateRoundDoneDecoder;
import io.shawarma.codecs.AggregateRoundDoneEncoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import io.shawarma.fabric.FabricMembers;
import io.shawarma.fabric.GatheredResults;
import io.shawarma.fabric.JobCounters;
import io.shawarma.fabric.PeerLinks;
import io.shawarma.messaging.FrameHeader;
import io.shawarma.messaging.Malformed;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The aggregate layer's wire: {@code AggregateExports} frames (export records, and path definitions the peer has
 * not seen) and {@code AggregateRoundDone} barrier frames between the workers of one run, then, after the last
 * round, {@code AggregateResults} and {@code AggregateResultsTaken} ({@link GatheredResults}). A peer's frames
 * arrive in order, so its RoundDone follows all of its exports for that round, and its path definitions come before
 * the exports that use them. Frames for a round this worker has not reached are left in the stream (ABORT) until it
 * gets there; results belong to no round. Nothing here allocates per frame.
 */
final class AggregateTransport implements AutoCloseable, GatheredResults.Wire
{
    /** Bytes per path definition: uint16 slot, uint16 parent slot, int32 step. */
    static final int PATH_BYTES = 8;
    /** Bytes of a device record's head: int32 graph index, uint16 entry count. */
    static final int RECORD_HEAD_BYTES = 6;
    /** Bytes per export entry: uint16 slot, int64 value. */
    static final int ENTRY_BYTES = 10;
    /** Bytes of a device's overrides record head: int32 sender graph index, uint16 entry count. */
    static final int OVERRIDES_HEAD_BYTES = 6;
    /** Bytes per override: uint16 exchange slot, int32 receiver graph index, int64 value. */
    static final int OVERRIDE_BYTES = 14;
    /** The schema version from which AggregateExports carries overrides. */
    static final int OVERRIDES_SINCE_VERSION = 2;
    /** Poll limit that accepts frames of any round, for asynchronous rounds. */
    static final long ANY_ROUND = Long.MAX_VALUE;

    /** Receives decoded frames. */
    interface Receiver
    {
        void onPaths(int senderSlot, DirectBuffer buffer, int offset, int count);

        void onExports(int senderSlot, long round, DirectBuffer buffer, int offset, int length);

        /** Called after {@link #onExports} of the same frame, when it has overrides. */
        void onOverrides(int senderSlot, long round, DirectBuffer buffer, int offset, int length);

        void onDone(int senderSlot, long round, long devices, long changed);

        /** Some of a worker's results; {@code total} is how many it sends in all. */
        void onResults(int senderSlot, long rounds, long total, DirectBuffer buffer, int offset, int count);

        /** Worker 1 has all of this worker's results. */
        void onResultsTaken(int senderSlot);

        void onMalformed(String reason);
    }

    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;
    private static final int FRAGMENT_LIMIT = 64;

    private final PeerLinks links;
    private final int workerId;
    private final UnsafeBuffer frame;
    private final int payloadCapacity;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AggregateExportsEncoder exportsEncoder = new AggregateExportsEncoder();
    private final AggregateRoundDoneEncoder doneEncoder = new AggregateRoundDoneEncoder();
    private final AggregateResultsEncoder resultsEncoder = new AggregateResultsEncoder();
    private final AggregateResultsTakenEncoder takenEncoder = new AggregateResultsTakenEncoder();
    private final FrameHeader inbound = new FrameHeader();
    private final AggregateExportsDecoder exportsDecoder = new AggregateExportsDecoder();
    private final AggregateRoundDoneDecoder doneDecoder = new AggregateRoundDoneDecoder();
    private final AggregateResultsDecoder resultsDecoder = new AggregateResultsDecoder();
    private final AggregateResultsTakenDecoder takenDecoder = new AggregateResultsTakenDecoder();
    private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(this::onFragment);
    private final PeerLinks.WhileBackPressured pollWhileBackPressured = this::pollCurrent;
    private final Receiver receiver;
    private final JobCounters counters;
    private long currentRound;

    AggregateTransport(
        final Aeron aeron, final FabricMembers members, final int workerId, final int streamBase,
        final IdleStrategy idle, final int frameBytes, final Receiver receiver, final JobCounters counters)
    {
        this.workerId = workerId;
        this.receiver = receiver;
        this.counters = counters;
        this.links = new PeerLinks(aeron, members, workerId, streamBase, idle, "aggregate", counters);
        this.frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frameBytes, 64));
        this.payloadCapacity = frameBytes - HEADER_LENGTH - AggregateExportsEncoder.BLOCK_LENGTH -
            3 * FrameHeader.VAR_LENGTH_BYTES;
    }

    PeerLinks links()
    {
        return links;
    }

    /**
     * @return the most bytes of path definitions, export records and overrides one frame carries.
     */
    int payloadCapacity()
    {
        return payloadCapacity;
    }

    /**
     * Sends one frame of path definitions, export records and their overrides to a peer.
     */
    void sendExports(
        final int peerSlot, final long round, final DirectBuffer paths, final int pathsLength,
        final DirectBuffer exports, final int exportsLength, final DirectBuffer overrides, final int overridesLength)
    {
        final int payload = pathsLength + exportsLength + overridesLength;
        if (payload > payloadCapacity)
        {
            throw new IllegalArgumentException("aggregate frame payload of " + payload + " bytes, more than " +
                payloadCapacity);
        }
        exportsEncoder.wrapAndApplyHeader(frame, 0, headerEncoder).session()
            .senderId(workerId).correlationId(0).epoch(1);
        exportsEncoder.round(round);
        exportsEncoder.putPaths(paths, 0, pathsLength);
        exportsEncoder.putExports(exports, 0, exportsLength);
        exportsEncoder.putOverrides(overrides, 0, overridesLength);
        links.send(peerSlot, frame, HEADER_LENGTH + exportsEncoder.encodedLength(), pollWhileBackPressured);
    }

    /**
     * Tells a peer this worker finished a round and sent all of its exports.
     */
    void sendDone(final int peerSlot, final long round, final long devices, final long changed)
    {
        doneEncoder.wrapAndApplyHeader(frame, 0, headerEncoder).session()
            .senderId(workerId).correlationId(0).epoch(1);
        doneEncoder.round(round).devices(devices).changed(changed);
        links.send(peerSlot, frame, HEADER_LENGTH + doneEncoder.encodedLength(), pollWhileBackPressured);
    }

    public int resultsCapacity()
    {
        return frame.capacity() - HEADER_LENGTH - AggregateResultsEncoder.BLOCK_LENGTH - FrameHeader.VAR_LENGTH_BYTES;
    }

    public void sendResults(
        final int peerSlot, final long rounds, final long total, final DirectBuffer entries, final int length)
    {
        resultsEncoder.wrapAndApplyHeader(frame, 0, headerEncoder).session()
            .senderId(workerId).correlationId(0).epoch(1);
        resultsEncoder.rounds(rounds).total(total).putEntries(entries, 0, length);
        links.send(peerSlot, frame, HEADER_LENGTH + resultsEncoder.encodedLength(), pollWhileBackPressured);
    }

    public void sendResultsTaken(final int peerSlot, final long total)
    {
        takenEncoder.wrapAndApplyHeader(frame, 0, headerEncoder).session()
            .senderId(workerId).correlationId(0).epoch(1);
        takenEncoder.total(total);
        links.send(peerSlot, frame, HEADER_LENGTH + takenEncoder.encodedLength(), pollWhileBackPressured);
    }

    /**
     * Polls for frames of any round: after the last one, only results are left to come.
     */
    public int pollResults()
    {
        return poll(ANY_ROUND);
    }

    /**
     * Polls for frames of rounds up to {@code upToRound} (or {@link #ANY_ROUND}); later ones stay in the stream.
     *
     * @return the number of fragments handled.
     */
    int poll(final long upToRound)
    {
        currentRound = upToRound;
        return pollCurrent();
    }

    public void close()
    {
        links.close();
    }

    private int pollCurrent()
    {
        return links.poll(assembler, FRAGMENT_LIMIT);
    }

    private ControlledFragmentHandler.Action onFragment(
        final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final ControlledFragmentHandler.Action action = decode(buffer, offset, length);
        if (ControlledFragmentHandler.Action.ABORT != action)
        {
            counters.onFrameReceived(length);
        }
        return action;
    }

    /**
     * Decodes one whole frame for the receiver (for the fuzz target; frames normally arrive through {@link #poll}).
     *
     * @return ABORT for a frame of a later step, to be read again then; else CONTINUE.
     */
    ControlledFragmentHandler.Action decode(final DirectBuffer buffer, final int offset, final int length)
    {
        int reason = inbound.wrap(buffer, offset, length);
        final int templateId = FrameHeader.VALID == reason ? inbound.templateId() : -1;
        if (FrameHeader.VALID == reason)
        {
            reason = inbound.checkBody(blockLength(templateId));
        }
        if (FrameHeader.VALID != reason)
        {
            receiver.onMalformed(Malformed.describe(reason));
            return ControlledFragmentHandler.Action.CONTINUE;
        }
        switch (templateId)
        {
            case AggregateExportsDecoder.TEMPLATE_ID:
                return onExports(buffer);
            case AggregateRoundDoneDecoder.TEMPLATE_ID:
                return onDone(buffer);
            case AggregateResultsDecoder.TEMPLATE_ID:
                return onResults(buffer);
            default:
                return onResultsTaken(buffer);
        }
    }

    private static int blockLength(final int templateId)
    {
        switch (templateId)
        {
            case AggregateExportsDecoder.TEMPLATE_ID:
                return AggregateExportsDecoder.BLOCK_LENGTH;
            case AggregateRoundDoneDecoder.TEMPLATE_ID:
                return AggregateRoundDoneDecoder.BLOCK_LENGTH;
            case AggregateResultsDecoder.TEMPLATE_ID:
                return AggregateResultsDecoder.BLOCK_LENGTH;
            case AggregateResultsTakenDecoder.TEMPLATE_ID:
                return AggregateResultsTakenDecoder.BLOCK_LENGTH;
            default:
                return -1;
        }
    }

    private ControlledFragmentHandler.Action onExports(final DirectBuffer buffer)
    {
        exportsDecoder.wrap(buffer, inbound.bodyOffset(), inbound.blockLength(), inbound.version());
        final long round = exportsDecoder.round();
        if (round > currentRound)
        {
            return ControlledFragmentHandler.Action.ABORT;
        }
        final int sender = links.slotOf(exportsDecoder.session().senderId());
        final int pathsLength = inbound.varLength(inbound.dataOffset());
        final int pathsOffset = inbound.dataOffset() + FrameHeader.VAR_LENGTH_BYTES;
        final int exportsLength = pathsLength >= 0 ? inbound.varLength(pathsOffset + pathsLength) : -1;
        final int exportsOffset = pathsOffset + pathsLength + FrameHeader.VAR_LENGTH_BYTES;
        // Frames of version 1 end with the exports; later ones add the overrides, empty unless exchange is used.
        final int overridesLength = exportsLength < 0 ? -1 : inbound.version() < OVERRIDES_SINCE_VERSION ? 0 :
            inbound.varLength(exportsOffset + exportsLength);
        if (sender < 0 || sender == links.slot() || overridesLength < 0 || pathsLength % PATH_BYTES != 0)
        {
            receiver.onMalformed("aggregate exports from an unknown worker, or data beyond the frame's end");
            return ControlledFragmentHandler.Action.CONTINUE;
        }
        if (pathsLength > 0)
        {
            receiver.onPaths(sender, buffer, pathsOffset, pathsLength / PATH_BYTES);
        }
        receiver.onExports(sender, round, buffer, exportsOffset, exportsLength);
        if (overridesLength > 0)
        {
            receiver.onOverrides(sender, round, buffer, exportsOffset + exportsLength + FrameHeader.VAR_LENGTH_BYTES,
                overridesLength);
        }
        return ControlledFragmentHandler.Action.CONTINUE;
    }

    private ControlledFragmentHandler.Action onDone(final DirectBuffer buffer)
    {
        doneDecoder.wrap(buffer, inbound.bodyOffset(), inbound.blockLength(), inbound.version());
        final long round = doneDecoder.round();
        if (round > currentRound)
        {
            return ControlledFragmentHandler.Action.ABORT;
        }
        final int sender = links.slotOf(doneDecoder.session().senderId());
        if (sender < 0 || sender == links.slot())
        {
            receiver.onMalformed("aggregate round done from an unknown worker");
            return ControlledFragmentHandler.Action.CONTINUE;
        }
        receiver.onDone(sender, round, doneDecoder.devices(), doneDecoder.changed());
        return ControlledFragmentHandler.Action.CONTINUE;
    }

    private ControlledFragmentHandler.Action onResults(final DirectBuffer buffer)
    {
        resultsDecoder.wrap(buffer, inbound.bodyOffset(), inbound.blockLength(), inbound.version());
        final int sender = links.slotOf(resultsDecoder.session().senderId());
        final int entriesLength = inbound.varLength(inbound.dataOffset());
        if (sender < 0 || sender == links.slot() || entriesLength < 0 ||
            entriesLength % GatheredResults.RESULT_BYTES != 0)
        {
            receiver.onMalformed("aggregate results from an unknown worker, or data beyond the frame's end");
            return ControlledFragmentHandler.Action.CONTINUE;
        }
        receiver.onResults(sender, resultsDecoder.rounds(), resultsDecoder.total(), buffer,
            inbound.dataOffset() + FrameHeader.VAR_LENGTH_BYTES, entriesLength / GatheredResults.RESULT_BYTES);
        return ControlledFragmentHandler.Action.CONTINUE;
    }

    private ControlledFragmentHandler.Action onResultsTaken(final DirectBuffer buffer)
    {
        takenDecoder.wrap(buffer, inbound.bodyOffset(), inbound.blockLength(), inbound.version());
        final int sender = links.slotOf(takenDecoder.session().senderId());
        if (sender < 0 || sender == links.slot())
        {
            receiver.onMalformed("aggregate results taken from an unknown worker");
            return ControlledFragmentHandler.Action.CONTINUE;
        }
        receiver.onResultsTaken(sender);
        return ControlledFragmentHandler.Action.CONTINUE;
    }
}
