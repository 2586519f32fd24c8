package io.shawarma.fabric.grid;

import io.aeron.DirectBufferVector;
import io.aeron.Publication;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What a session that cannot take a message yet gets later, in order, from the service's background work; and what
 * is dropped (counted, recovered by the grid's slower ways) when a backlog outgrows its bound, the session closes or
 * the member stops leading.
 */
class SessionEgressTest
{
    private static final long SESSION_ID = 7;

    private final Session session = new Session();
    private final SessionEgress egress = new SessionEgress();

    @BeforeEach
    void connect()
    {
        egress.cluster((Cluster)Proxy.newProxyInstance(Cluster.class.getClassLoader(), new Class<?>[]{ Cluster.class },
            (proxy, method, args) -> "getClientSession".equals(method.getName()) && SESSION_ID == (long)args[0] ?
            (session.closed ? null : session) : null));
    }

    @Test
    void shouldSendWhatABackPressuredSessionMissedInOrderBeforeAnythingNewer()
    {
        send(1);
        session.refusing = true;
        send(2);
        send(3);
        assertEquals(List.of(1), session.received, "refused messages wait");
        assertEquals(0, egress.retry(), "still refused");

        session.refusing = false;
        send(4);
        assertEquals(List.of(1, 2, 3, 4), session.received, "the backlog goes first, then the new message");
        send(5);
        assertEquals(0, egress.retry());
        assertEquals(List.of(1, 2, 3, 4, 5), session.received);
        assertEquals(0, egress.dropped());
    }

    @Test
    void shouldSendTheBacklogFromBackgroundWork()
    {
        session.refusing = true;
        send(1);
        send(2);
        session.refusing = false;
        assertEquals(2, egress.retry());
        assertEquals(List.of(1, 2), session.received);
        assertEquals(0, egress.retry(), "nothing left");
    }

    @Test
    void shouldCountWhatAFullBacklogCannotKeepAsDropped()
    {
        session.refusing = true;
        final int messages = EgressBacklog.MAX_BYTES / (MessageBatch.MAX_FRAMES_LENGTH / 2) + 8;
        for (int i = 0; i < messages; i++)
        {
            egress.add(SESSION_ID, bigMessage(i), 0, MessageBatch.MAX_FRAMES_LENGTH / 2);
            egress.flush();
        }
        assertTrue(egress.dropped() > 0, "past the bound messages are dropped");
        session.refusing = false;
        egress.retry();
        assertEquals(messages - egress.dropped(), session.received.size(), "the rest arrive");
        for (int i = 0; i < session.received.size(); i++)
        {
            assertEquals(i, session.received.get(i), "the oldest are kept, in order");
        }
    }

    @Test
    void shouldKeepMessagesWholeAndInOrderWhenTheBacklogMovesThemDown()
    {
        final int length = MessageBatch.MAX_FRAMES_LENGTH / 2;
        session.refusing = true;
        for (int i = 0; i < 4; i++)
        {
            egress.add(SESSION_ID, bigMessage(i), 0, length);
            egress.flush();
        }
        session.refuseAfter = 2;
        session.refusing = false;
        assertEquals(2, egress.retry(), "the session took two, then refused");

        // The next ones outgrow the buffer with its head past two messages: the two left move down first.
        for (int i = 4; i < 40; i++)
        {
            egress.add(SESSION_ID, bigMessage(i), 0, length);
            egress.flush();
        }
        session.refuseAfter = Integer.MAX_VALUE;
        assertEquals(38, egress.retry());
        for (int i = 0; i < 40; i++)
        {
            assertEquals(i, session.received.get(i), "in order, each whole (its last int matches its first)");
        }
        assertEquals(0, egress.dropped());
    }

    @Test
    void shouldDropTheBacklogWhenTheSessionClosesOrTheMemberStopsLeading()
    {
        session.refusing = true;
        send(1);
        send(2);
        egress.onSessionClosed(SESSION_ID);
        assertEquals(2, egress.dropped());

        send(3);
        egress.onRoleChange();
        assertEquals(3, egress.dropped());
        session.refusing = false;
        assertEquals(0, egress.retry());
        assertEquals(List.of(), session.received);
    }

    @Test
    void shouldForgetTheBacklogOfASessionThatIsGone()
    {
        session.refusing = true;
        send(1);
        session.closed = true;
        assertEquals(0, egress.retry());
        assertEquals(1, egress.dropped());
    }

    private void send(final int value)
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[Integer.BYTES]);
        message.putInt(0, value);
        egress.add(SESSION_ID, message, 0, Integer.BYTES);
        egress.flush();
    }

    private static DirectBuffer bigMessage(final int value)
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[MessageBatch.MAX_FRAMES_LENGTH / 2]);
        message.putInt(0, value);
        message.putInt(message.capacity() - Integer.BYTES, value);
        return message;
    }

    /**
     * Takes messages unless told to refuse them, or once it has taken {@code refuseAfter}, as back pressure does;
     * records the first int of each (-1 when a message of two ints or more ends with another).
     */
    private static final class Session implements ClientSession
    {
        final List<Integer> received = new ArrayList<>();
        boolean refusing;
        int refuseAfter = Integer.MAX_VALUE;
        boolean closed;

        public long id()
        {
            return SESSION_ID;
        }

        public int responseStreamId()
        {
            return 0;
        }

        public String responseChannel()
        {
            return "";
        }

        public byte[] encodedPrincipal()
        {
            return new byte[0];
        }

        public void close()
        {
            closed = true;
        }

        public boolean isClosing()
        {
            return closed;
        }

        public long offer(final DirectBuffer buffer, final int offset, final int length)
        {
            if (refusing || received.size() >= refuseAfter)
            {
                return Publication.BACK_PRESSURED;
            }
            final int first = buffer.getInt(offset);
            final boolean whole = length < 2 * Integer.BYTES || buffer.getInt(offset + length - Integer.BYTES) == first;
            received.add(whole ? first : -1);
            return received.size();
        }

        public long offer(final DirectBufferVector[] vectors)
        {
            throw new UnsupportedOperationException();
        }

        public long tryClaim(final int length, final BufferClaim bufferClaim)
        {
            throw new UnsupportedOperationException();
        }
    }
}
