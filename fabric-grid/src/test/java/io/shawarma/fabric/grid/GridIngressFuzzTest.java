package io.shawarma.fabric.grid;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;

import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target for the grid's cluster ingress: any bytes, as a session's message to the replicated {@link GridService}
 * (worker status, DAG submissions, task results, status requests, pings), are decoded and applied or counted as
 * malformed, never thrown out of the service; and after each the service still answers a status request. The
 * cluster around the service is a stand-in that accepts every egress message and timer. Runs over the committed
 * seed corpus in every build; {@code scripts/shawarma fuzz --target grid-ingress} fuzzes it.
 */
class GridIngressFuzzTest
{
    private static final long SESSION_ID = 7;
    private static final long[] OFFERS = new long[1];
    private static final GridService SERVICE = new GridService(64, TimeUnit.SECONDS.toNanos(5), 4, 16,
        name -> "add".equals(name) || "max".equals(name));
    private static final GridEncoder ENCODER = new GridEncoder();
    private static long now;

    @BeforeAll
    static void start()
    {
        SERVICE.onStart(stub(Cluster.class), null);
    }

    @FuzzTest
    void ingress(final byte[] message)
    {
        now += 1_000_000;
        SERVICE.onSessionMessage(stub(ClientSession.class), now, new UnsafeBuffer(message), 0, message.length, null);

        final long offersBefore = OFFERS[0];
        final long malformedBefore = SERVICE.malformedMessages();
        final int length = ENCODER.statusRequest(1, 99, 0);
        final byte[] request = new byte[length];
        ENCODER.buffer().getBytes(0, request);
        SERVICE.onSessionMessage(stub(ClientSession.class), now, new UnsafeBuffer(request), 0, length, null);
        assertEquals(malformedBefore, SERVICE.malformedMessages(), "a status request after the fuzzed message");
        assertTrue(OFFERS[0] > offersBefore, "the status request was answered");
    }

    /**
     * @return a stand-in whose methods answer as an accepting cluster would: session {@link #SESSION_ID}, offers
     * and timers accepted, nothing closing.
     */
    @SuppressWarnings("unchecked")
    private static <T> T stub(final Class<T> type)
    {
        return (T)Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
        {
            switch (method.getName())
            {
                case "id": return SESSION_ID;
                case "getClientSession": return SESSION_ID == (long)args[0] ? stub(ClientSession.class) : null;
                case "idleStrategy": return NoOpIdleStrategy.INSTANCE;
                case "timeUnit": return TimeUnit.NANOSECONDS;
                case "time": return now;
                case "scheduleTimer":
                case "cancelTimer":
                    return true;
                case "offer":
                    return ++OFFERS[0];
                default:
                    final Class<?> returns = method.getReturnType();
                    return boolean.class == returns ? false : returns.isPrimitive() && void.class != returns ? 0 : null;
            }
        });
    }
}
