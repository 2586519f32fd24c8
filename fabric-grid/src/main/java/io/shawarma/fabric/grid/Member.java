package io.shawarma.fabric.grid;

/**
 * A live worker as the grid's replicated state sees it. Mutable, owned by {@link GridState}.
 */
final class Member
{
    final int workerId;
    long sessionId;
    String dataChannel;
    int load;
    int reportedRunning;
    int running;
    int lowReports;
    /** Tasks assigned since the last heartbeat was applied, and in the interval before: they may be in flight. */
    int assignedSinceHeartbeat;
    int assignedTheHeartbeatBefore;
    long lastHeartbeat;
    /** Left gracefully: takes no slots or tasks, hands its slots over, then is removed. */
    boolean leaving;
    /** Cluster time the worker was last sent its view (placement and slot moves); not snapshotted. */
    long viewSentAt;

    Member(final int workerId, final long sessionId, final String dataChannel, final long now)
    {
        this.workerId = workerId;
        this.sessionId = sessionId;
        this.dataChannel = dataChannel;
        this.lastHeartbeat = now;
    }
}
