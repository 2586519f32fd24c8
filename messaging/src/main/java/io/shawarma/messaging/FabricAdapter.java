package io.shawarma.messaging;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.shawarma.codecs.AuthenticateDecoder;
import io.shawarma.codecs.ChallengeDecoder;
import io.shawarma.codecs.BorrowGrantDecoder;
import io.shawarma.codecs.BorrowRequestDecoder;
import io.shawarma.codecs.BorrowReturnAckDecoder;
import io.shawarma.codecs.BorrowReturnDecoder;
import io.shawarma.codecs.GetVertexDecoder;
import io.shawarma.codecs.LeaseMode;
import io.shawarma.codecs.HeartbeatDecoder;
import io.shawarma.codecs.HelloDecoder;
import io.shawarma.codecs.InvokeDecoder;
import io.shawarma.codecs.InvokeResultDecoder;
import io.shawarma.codecs.PutVertexDecoder;
import io.shawarma.codecs.RevokeDecoder;
import io.shawarma.codecs.SessionHeaderDecoder;
import io.shawarma.codecs.Status;
import org.agrona.DirectBuffer;

import static io.shawarma.messaging.FabricHandler.NO_SENDER;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Decodes Shawarma frames and hands them to a {@link FabricHandler}. Every length is checked against the frame
 * before it is read, so a truncated, foreign or corrupted frame is reported through
 * {@link FabricHandler#onMalformed} and never throws. Allocation free.
 */
public final class FabricAdapter implements FragmentHandler
{
    private static final int SESSION_LENGTH = SessionHeaderDecoder.ENCODED_LENGTH;
    private static final int LAST_STATUS = lastStatus();
    private static final int LAST_LEASE_MODE = LeaseMode.READ_ONLY.value();

    private final FabricHandler handler;
    private final FrameHeader frame = new FrameHeader();
    private final HelloDecoder helloDecoder = new HelloDecoder();
    private final HeartbeatDecoder heartbeatDecoder = new HeartbeatDecoder();
    private final ChallengeDecoder challengeDecoder = new ChallengeDecoder();
    private final AuthenticateDecoder authenticateDecoder = new AuthenticateDecoder();
    private int sessionId;
    private long bytesReceived;
    private final InvokeDecoder invokeDecoder = new InvokeDecoder();
    private final InvokeResultDecoder invokeResultDecoder = new InvokeResultDecoder();
    private final PutVertexDecoder putVertexDecoder = new PutVertexDecoder();
    private final GetVertexDecoder getVertexDecoder = new GetVertexDecoder();
    private final BorrowRequestDecoder borrowRequestDecoder = new BorrowRequestDecoder();
    private final BorrowGrantDecoder borrowGrantDecoder = new BorrowGrantDecoder();
    private final BorrowReturnDecoder borrowReturnDecoder = new BorrowReturnDecoder();
    private final BorrowReturnAckDecoder borrowReturnAckDecoder = new BorrowReturnAckDecoder();
    private final RevokeDecoder revokeDecoder = new RevokeDecoder();

    /**
     * @param handler to receive decoded messages.
     */
    public FabricAdapter(final FabricHandler handler)
    {
        this.handler = handler;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        sessionId = header.sessionId();
        bytesReceived += length;
        onFrame(buffer, offset, length);
    }

    /**
     * @return the Aeron session id of the publication the frame being handled came on (valid during a callback
     * from {@link #onFragment}): what authentication binds a peer to, since a sender id can be claimed by anyone.
     */
    public int sessionId()
    {
        return sessionId;
    }

    /**
     * @return bytes of the messages received through {@link #onFragment} so far.
     */
    public long bytesReceived()
    {
        return bytesReceived;
    }

    /**
     * Decodes one frame.
     *
     * @param buffer holding the frame.
     * @param offset of the frame's first byte.
     * @param length of the frame.
     */
    public void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        final int headerCheck = frame.wrap(buffer, offset, length);
        if (FrameHeader.VALID != headerCheck)
        {
            handler.onMalformed(NO_SENDER, 0, headerCheck);
            return;
        }

        final int bodyOffset = frame.bodyOffset();
        if (frame.end() - bodyOffset < SESSION_LENGTH)
        {
            handler.onMalformed(NO_SENDER, 0, Malformed.TRUNCATED);
            return;
        }

        // The session header is the first field of every message in every version, so the sender can be named.
        final int senderId = buffer.getInt(bodyOffset, LITTLE_ENDIAN);
        final long correlationId = buffer.getLong(bodyOffset + 4, LITTLE_ENDIAN);
        final int templateId = frame.templateId();
        final int bodyCheck = frame.checkBody(blockLengthOf(templateId));
        if (Malformed.UNKNOWN_TEMPLATE == bodyCheck)
        {
            handler.onOtherMessage(senderId, correlationId, templateId, buffer, offset, length);
            return;
        }
        if (FrameHeader.VALID != bodyCheck)
        {
            handler.onMalformed(senderId, correlationId, bodyCheck);
            return;
        }

        decode(templateId, senderId, correlationId, buffer, bodyOffset);
    }

    private void decode(
        final int templateId, final int senderId, final long correlationId, final DirectBuffer buffer,
        final int bodyOffset)
    {
        final int version = frame.version();
        final int blockLength = frame.blockLength();
        final int dataOffset = frame.dataOffset();
        switch (templateId)
        {
            case HelloDecoder.TEMPLATE_ID:
                onHello(buffer, bodyOffset, blockLength, version, dataOffset);
                break;

            case HeartbeatDecoder.TEMPLATE_ID:
                heartbeatDecoder.wrap(buffer, bodyOffset, blockLength, version);
                handler.onHeartbeat(
                    senderId, correlationId, heartbeatDecoder.session().epoch(), heartbeatDecoder.timestampNs(),
                    heartbeatDecoder.pendingCalls());
                break;

            case ChallengeDecoder.TEMPLATE_ID:
                challengeDecoder.wrap(buffer, bodyOffset, blockLength, version);
                handler.onChallenge(senderId, correlationId, challengeDecoder.session().epoch(),
                    challengeDecoder.nonce(), buffer, bodyOffset + ChallengeDecoder.proofEncodingOffset());
                break;

            case AuthenticateDecoder.TEMPLATE_ID:
                authenticateDecoder.wrap(buffer, bodyOffset, blockLength, version);
                handler.onAuthenticate(senderId, correlationId, authenticateDecoder.session().epoch(),
                    buffer, bodyOffset + AuthenticateDecoder.proofEncodingOffset());
                break;

            case InvokeDecoder.TEMPLATE_ID:
                onInvoke(buffer, bodyOffset, blockLength, version, dataOffset);
                break;

            case InvokeResultDecoder.TEMPLATE_ID:
                onInvokeResult(buffer, bodyOffset, blockLength, version, dataOffset);
                break;

            case PutVertexDecoder.TEMPLATE_ID:
                onPutVertex(buffer, bodyOffset, blockLength, version, dataOffset);
                break;

            case GetVertexDecoder.TEMPLATE_ID:
                getVertexDecoder.wrap(buffer, bodyOffset, blockLength, version);
                handler.onGetVertex(
                    senderId, correlationId, getVertexDecoder.session().epoch(), getVertexDecoder.vertexId());
                break;

            case BorrowRequestDecoder.TEMPLATE_ID:
                borrowRequestDecoder.wrap(buffer, bodyOffset, blockLength, version);
                handler.onBorrowRequest(senderId, correlationId, borrowRequestDecoder.session().epoch(),
                    borrowRequestDecoder.vertexId(), borrowRequestDecoder.udfId());
                break;

            case BorrowGrantDecoder.TEMPLATE_ID:
                onBorrowGrant(buffer, bodyOffset, blockLength, version, dataOffset);
                break;

            case BorrowReturnDecoder.TEMPLATE_ID:
                onBorrowReturn(buffer, bodyOffset, blockLength, version, dataOffset);
                break;

            case BorrowReturnAckDecoder.TEMPLATE_ID:
                onBorrowReturnAck(buffer, bodyOffset, blockLength, version);
                break;

            case RevokeDecoder.TEMPLATE_ID:
                revokeDecoder.wrap(buffer, bodyOffset, blockLength, version);
                handler.onRevoke(senderId, correlationId, revokeDecoder.session().epoch(), revokeDecoder.vertexId(),
                    revokeDecoder.leaseId());
                break;

            default:
                handler.onMalformed(senderId, correlationId, Malformed.UNKNOWN_TEMPLATE);
        }
    }

    private void onBorrowGrant(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version, final int dataOffset)
    {
        final BorrowGrantDecoder decoder = borrowGrantDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final SessionHeaderDecoder session = decoder.session();
        final int valueLength = frame.varLength(dataOffset);
        final short status = decoder.statusRaw();
        final short mode = decoder.modeRaw();
        if (valueLength < 0)
        {
            handler.onMalformed(session.senderId(), session.correlationId(), FrameHeader.reasonOf(valueLength));
        }
        else if (status > LAST_STATUS || mode > LAST_LEASE_MODE)
        {
            handler.onMalformed(session.senderId(), session.correlationId(), Malformed.BAD_ENUM);
        }
        else
        {
            handler.onBorrowGrant(
                session.senderId(), session.correlationId(), session.epoch(), decoder.vertexId(), status, mode,
                decoder.leaseId(), decoder.version(), decoder.leaseExpiryNs(), decoder.leaseDurationNs(),
                decoder.ownerId(), buffer, dataOffset + FrameHeader.VAR_LENGTH_BYTES, valueLength);
        }
    }

    private void onBorrowReturn(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version, final int dataOffset)
    {
        final BorrowReturnDecoder decoder = borrowReturnDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final SessionHeaderDecoder session = decoder.session();
        final int valueLength = frame.varLength(dataOffset);
        final short changed = decoder.changed();
        final short mode = decoder.modeRaw();
        if (valueLength < 0)
        {
            handler.onMalformed(session.senderId(), session.correlationId(), FrameHeader.reasonOf(valueLength));
        }
        else if (changed > 1 || mode > LAST_LEASE_MODE)
        {
            handler.onMalformed(session.senderId(), session.correlationId(), Malformed.BAD_ENUM);
        }
        else
        {
            handler.onBorrowReturn(
                session.senderId(), session.correlationId(), session.epoch(), decoder.vertexId(), decoder.leaseId(),
                1 == changed, mode, decoder.udfId(), buffer, dataOffset + FrameHeader.VAR_LENGTH_BYTES, valueLength);
        }
    }

    private void onBorrowReturnAck(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version)
    {
        final BorrowReturnAckDecoder decoder = borrowReturnAckDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final SessionHeaderDecoder session = decoder.session();
        final short status = decoder.statusRaw();
        if (status > LAST_STATUS)
        {
            handler.onMalformed(session.senderId(), session.correlationId(), Malformed.BAD_ENUM);
        }
        else
        {
            handler.onBorrowReturnAck(session.senderId(), session.correlationId(), session.epoch(),
                decoder.vertexId(), decoder.leaseId(), status);
        }
    }

    private void onHello(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version, final int dataOffset)
    {
        final HelloDecoder decoder = helloDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final SessionHeaderDecoder session = decoder.session();
        final int channelLength = frame.varLength(dataOffset);
        final short role = decoder.roleRaw();
        if (channelLength < 0)
        {
            handler.onMalformed(session.senderId(), session.correlationId(), FrameHeader.reasonOf(channelLength));
        }
        else if (role > 1)
        {
            handler.onMalformed(session.senderId(), session.correlationId(), Malformed.BAD_ENUM);
        }
        else
        {
            handler.onHello(
                session.senderId(), session.correlationId(), session.epoch(), role, decoder.replyStreamId(),
                decoder.nonce(), buffer, dataOffset + FrameHeader.VAR_LENGTH_BYTES, channelLength);
        }
    }

    private void onInvoke(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version, final int dataOffset)
    {
        final InvokeDecoder decoder = invokeDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final SessionHeaderDecoder session = decoder.session();
        final int argsLength = frame.varLength(dataOffset);
        final short routing = decoder.routingRaw();
        if (argsLength < 0)
        {
            handler.onMalformed(session.senderId(), session.correlationId(), FrameHeader.reasonOf(argsLength));
        }
        else if (routing > 1)
        {
            handler.onMalformed(session.senderId(), session.correlationId(), Malformed.BAD_ENUM);
        }
        else
        {
            handler.onInvoke(
                session.senderId(), session.correlationId(), session.epoch(), decoder.vertexId(), decoder.udfId(),
                routing, buffer, dataOffset + FrameHeader.VAR_LENGTH_BYTES, argsLength);
        }
    }

    private void onInvokeResult(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version, final int dataOffset)
    {
        final InvokeResultDecoder decoder = invokeResultDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final SessionHeaderDecoder session = decoder.session();
        final int resultLength = frame.varLength(dataOffset);
        final short status = decoder.statusRaw();
        if (resultLength < 0)
        {
            handler.onMalformed(session.senderId(), session.correlationId(), FrameHeader.reasonOf(resultLength));
        }
        else if (status > LAST_STATUS)
        {
            handler.onMalformed(session.senderId(), session.correlationId(), Malformed.BAD_ENUM);
        }
        else
        {
            handler.onInvokeResult(
                session.senderId(), session.correlationId(), session.epoch(), status, decoder.ownerId(),
                buffer, dataOffset + FrameHeader.VAR_LENGTH_BYTES, resultLength);
        }
    }

    private void onPutVertex(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version, final int dataOffset)
    {
        final PutVertexDecoder decoder = putVertexDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final SessionHeaderDecoder session = decoder.session();
        final int valueLength = frame.varLength(dataOffset);
        if (valueLength < 0)
        {
            handler.onMalformed(session.senderId(), session.correlationId(), FrameHeader.reasonOf(valueLength));
        }
        else
        {
            handler.onPutVertex(
                session.senderId(), session.correlationId(), session.epoch(), decoder.vertexId(),
                buffer, dataOffset + FrameHeader.VAR_LENGTH_BYTES, valueLength);
        }
    }

    /**
     * @return the data length, or {@code -(reason + 1)} when the length field or the data do not fit the frame.
     */
    private static int blockLengthOf(final int templateId)
    {
        switch (templateId)
        {
            case HelloDecoder.TEMPLATE_ID: return HelloDecoder.BLOCK_LENGTH;
            case HeartbeatDecoder.TEMPLATE_ID: return HeartbeatDecoder.BLOCK_LENGTH;
            case ChallengeDecoder.TEMPLATE_ID: return ChallengeDecoder.BLOCK_LENGTH;
            case AuthenticateDecoder.TEMPLATE_ID: return AuthenticateDecoder.BLOCK_LENGTH;
            case InvokeDecoder.TEMPLATE_ID: return InvokeDecoder.BLOCK_LENGTH;
            case InvokeResultDecoder.TEMPLATE_ID: return InvokeResultDecoder.BLOCK_LENGTH;
            case PutVertexDecoder.TEMPLATE_ID: return PutVertexDecoder.BLOCK_LENGTH;
            case GetVertexDecoder.TEMPLATE_ID: return GetVertexDecoder.BLOCK_LENGTH;
            case BorrowRequestDecoder.TEMPLATE_ID: return BorrowRequestDecoder.BLOCK_LENGTH;
            case BorrowGrantDecoder.TEMPLATE_ID: return BorrowGrantDecoder.BLOCK_LENGTH;
            case BorrowReturnDecoder.TEMPLATE_ID: return BorrowReturnDecoder.BLOCK_LENGTH;
            case BorrowReturnAckDecoder.TEMPLATE_ID: return BorrowReturnAckDecoder.BLOCK_LENGTH;
            case RevokeDecoder.TEMPLATE_ID: return RevokeDecoder.BLOCK_LENGTH;
            default: return -1;
        }
    }

    /** The highest status code the schema defines, so a status appended to the schema is accepted at once. */
    private static int lastStatus()
    {
        int last = 0;
        for (final Status status : Status.values())
        {
            if (Status.NULL_VAL != status)
            {
                last = Math.max(last, status.value());
            }
        }
        return last;
    }
}
