package io.shawarma.fabric.grid;

import io.aeron.archive.ArchiveMarkFile;
import io.aeron.cluster.service.ClusterMarkFile;
import io.aeron.cluster.service.ClusteredServiceContainer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.MappedByteBuffer;

/**
 * Lets a cluster member killed with kill -9 start again at once on its directory. Its consensus module, service
 * container and archive each leave a mark file whose activity timestamp Aeron takes for a live owner for ten seconds
 * ("active Mark file detected"). Each mark file also records its owner's pid: when that process is gone, the
 * timestamp is set back so that Aeron reuses the file (keeping the rest, such as the candidate term, as it is); when
 * it runs and the timestamp is fresh, the member refuses to start beside it.
 */
final class MemberMarkFiles
{
    private MemberMarkFiles()
    {
    }

    /**
     * Releases the mark files of a member's dead previous process, or refuses a directory a live member uses.
     *
     * @param memberDir  the member's directory ({@code dir/member-N}), with {@code cluster} and {@code archive}.
     * @param clusterDir where the consensus module and service container keep their mark files.
     * @param archiveDir where the archive keeps its mark file.
     * @return how many mark files of a dead process were released.
     * @throws IllegalStateException one line naming the live process, when one holds the directory.
     */
    static int reclaim(final File memberDir, final File clusterDir, final File archiveDir)
    {
        int released = 0;
        final File[] clusterFiles = clusterDir.listFiles((dir, name) ->
            name.startsWith("cluster-mark") && name.endsWith(ClusterMarkFile.FILE_EXTENSION));
        if (null != clusterFiles)
        {
            for (final File file : clusterFiles)
            {
                released += release(memberDir, file, true);
            }
        }
        final File archiveFile = new File(archiveDir, ArchiveMarkFile.FILENAME);
        if (archiveFile.isFile())
        {
            released += release(memberDir, archiveFile, false);
        }
        return released;
    }

    private static int release(final File memberDir, final File file, final boolean cluster)
    {
        // A process killed while creating its mark file leaves a short one: Aeron itself handles that case.
        final int headerLength = cluster ? ClusterMarkFile.HEADER_LENGTH : ArchiveMarkFile.HEADER_LENGTH;
        if (file.length() < headerLength)
        {
            return 0;
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file, "mark file");
        try
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(mapped);
            final int pidOffset;
            final int activityOffset;
            if (cluster)
            {
                pidOffset = io.aeron.cluster.codecs.mark.MessageHeaderDecoder.ENCODED_LENGTH +
                    io.aeron.cluster.codecs.mark.MarkFileHeaderDecoder.pidEncodingOffset();
                activityOffset = io.aeron.cluster.codecs.mark.MessageHeaderDecoder.ENCODED_LENGTH +
                    io.aeron.cluster.codecs.mark.MarkFileHeaderDecoder.activityTimestampEncodingOffset();
            }
            else
            {
                pidOffset = io.aeron.archive.codecs.mark.MessageHeaderDecoder.ENCODED_LENGTH +
                    io.aeron.archive.codecs.mark.MarkFileHeaderDecoder.pidEncodingOffset();
                activityOffset = io.aeron.archive.codecs.mark.MessageHeaderDecoder.ENCODED_LENGTH +
                    io.aeron.archive.codecs.mark.MarkFileHeaderDecoder.activityTimestampEncodingOffset();
            }
            final long pid = buffer.getLong(pidOffset);
            final long ageMs = System.currentTimeMillis() - buffer.getLongVolatile(activityOffset);
            if (pid <= 0 || pid == ProcessHandle.current().pid() ||
                ageMs >= ClusteredServiceContainer.Configuration.LIVENESS_TIMEOUT_MS)
            {
                return 0;
            }
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            {
                throw new IllegalStateException("a running process (pid " + pid + ") holds " + memberDir +
                    " (its mark file " + file.getName() + " was updated " + ageMs + " ms ago): stop it first, or " +
                    "start this member on another directory (--dir)");
            }
            buffer.putLongVolatile(activityOffset, 0);
            return 1;
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }
}
