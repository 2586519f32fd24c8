package io.shawarma.fabric;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.Set;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The fabric's shared secret, and the proofs of the Hello handshake made with it (HMAC-SHA256).
 * <p>
 * A caller says Hello with a random nonce; the worker answers with a Challenge carrying its own nonce and its
 * proof over both; the caller checks that proof and answers with Authenticate, carrying its proof over both; the
 * worker checks it and binds the caller's id to the Aeron session the handshake came on. Proofs name the direction
 * and both ids, so one cannot be replayed as the other, and fresh nonces on both sides keep old proofs useless.
 * <p>
 * The secret never leaves this class: not in {@link #toString()}, logs, counters or error messages.
 * Not thread safe: one per agent.
 */
public final class SharedSecret
{
    /** Fewer bytes than this is refused: guessable. */
    public static final int MIN_LENGTH = 16;

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte WORKER_PROOF = 1;
    private static final byte CALLER_PROOF = 2;
    private static final int MESSAGE_LENGTH = 1 + 2 * Integer.BYTES + 2 * Long.BYTES;
    private static final Set<PosixFilePermission> OTHERS = Set.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private final Mac mac;
    private final SecureRandom random = new SecureRandom();
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);
    private final byte[] expected = new byte[32];
    private final byte[] received = new byte[32];

    private SharedSecret(final byte[] key)
    {
        try
        {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("this JVM has no " + ALGORITHM, ex);
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }

    /**
     * Reads the secret: the whole file less trailing whitespace, at least {@link #MIN_LENGTH} bytes, in a file only
     * its owner can read (like an ssh key).
     *
     * @param file     holding the secret.
     * @param property that named the file, for error messages.
     * @return the secret.
     * @throws IllegalArgumentException naming the property and the file (never the secret) when it is unusable.
     */
    public static SharedSecret load(final Path file, final String property)
    {
        final byte[] bytes;
        try
        {
            if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null &&
                !Collections.disjoint(Files.getPosixFilePermissions(file), OTHERS))
            {
                throw new IllegalArgumentException(property + "=" + file +
                    ": group or others may read or write it; chmod 600 it");
            }
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException(property + "=" + file + ": cannot read it (" +
                ex.getClass().getSimpleName() + ")", ex);
        }
        int length = bytes.length;
        while (length > 0 && Character.isWhitespace(bytes[length - 1]))
        {
            length--;
        }
        if (length < MIN_LENGTH)
        {
            Arrays.fill(bytes, (byte)0);
            throw new IllegalArgumentException(property + "=" + file + ": the secret is shorter than " + MIN_LENGTH +
                " bytes (e.g. head -c 32 /dev/urandom | base64 > file)");
        }
        final byte[] key = Arrays.copyOf(bytes, length);
        Arrays.fill(bytes, (byte)0);
        return new SharedSecret(key);
    }

    /**
     * @return a fresh random nonce, never 0 (0 means no authentication on the wire).
     */
    public long nonce()
    {
        long nonce;
        do
        {
            nonce = random.nextLong();
        }
        while (0 == nonce);
        return nonce;
    }

    /**
     * The worker's proof in a Challenge.
     *
     * @param callerId    who said Hello.
     * @param workerId    who answers.
     * @param helloNonce  the Hello's nonce.
     * @param workerNonce the Challenge's nonce.
     * @param proof       receives the 32 bytes at offset 0.
     */
    public void workerProof(
        final int callerId, final int workerId, final long helloNonce, final long workerNonce,
        final MutableDirectBuffer proof)
    {
        proof.putBytes(0, compute(WORKER_PROOF, callerId, workerId, helloNonce, workerNonce));
    }

    /**
     * The caller's proof in an Authenticate.
     *
     * @param proof receives the 32 bytes at offset 0.
     */
    public void callerProof(
        final int callerId, final int workerId, final long helloNonce, final long workerNonce,
        final MutableDirectBuffer proof)
    {
        proof.putBytes(0, compute(CALLER_PROOF, callerId, workerId, helloNonce, workerNonce));
    }

    /**
     * @return true when the proof at {@code offset} is the worker's proof for these ids and nonces.
     */
    public boolean isWorkerProof(
        final int callerId, final int workerId, final long helloNonce, final long workerNonce,
        final DirectBuffer buffer, final int offset)
    {
        return matches(compute(WORKER_PROOF, callerId, workerId, helloNonce, workerNonce), buffer, offset);
    }

    /**
     * @return true when the proof at {@code offset} is the caller's proof for these ids and nonces.
     */
    public boolean isCallerProof(
        final int callerId, final int workerId, final long helloNonce, final long workerNonce,
        final DirectBuffer buffer, final int offset)
    {
        return matches(compute(CALLER_PROOF, callerId, workerId, helloNonce, workerNonce), buffer, offset);
    }

    public String toString()
    {
        return "SharedSecret{" + ALGORITHM + "}";
    }

    private byte[] compute(
        final byte direction, final int callerId, final int workerId, final long helloNonce, final long workerNonce)
    {
        message.putByte(0, direction);
        message.putInt(1, callerId, LITTLE_ENDIAN);
        message.putInt(5, workerId, LITTLE_ENDIAN);
        message.putLong(9, helloNonce, LITTLE_ENDIAN);
        message.putLong(17, workerNonce, LITTLE_ENDIAN);
        mac.update(message.byteArray());
        try
        {
            mac.doFinal(expected, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
        return expected;
    }

    private boolean matches(final byte[] computed, final DirectBuffer buffer, final int offset)
    {
        buffer.getBytes(offset, received);
        return MessageDigest.isEqual(computed, received);
    }
}
