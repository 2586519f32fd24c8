package io.shawarma.messaging;

import io.shawarma.codecs.GetVertexEncoder;
import io.shawarma.codecs.MessageHeaderDecoder;
import io.shawarma.codecs.MessageHeaderEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FrameHeaderTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final FrameHeader frame = new FrameHeader();

    @Test
    void shouldAcceptAWholeFrameOfOurSchema()
    {
        final int length = getVertexFrame();
        assertEquals(FrameHeader.VALID, frame.wrap(buffer, 0, length));
        assertEquals(GetVertexEncoder.TEMPLATE_ID, frame.templateId());
        assertEquals(FrameHeader.VALID, frame.checkBody(GetVertexEncoder.BLOCK_LENGTH));
        assertEquals(FrameHeader.LENGTH, frame.bodyOffset());
        assertEquals(FrameHeader.LENGTH + GetVertexEncoder.BLOCK_LENGTH, frame.dataOffset());
    }

    @Test
    void shouldNameTheReasonOfEachBadHeader()
    {
        final int length = getVertexFrame();
        assertEquals(Malformed.TRUNCATED, frame.wrap(buffer, 0, FrameHeader.LENGTH - 1));

        header.wrap(buffer, 0).schemaId(MessageHeaderDecoder.SCHEMA_ID + 1);
        assertEquals(Malformed.WRONG_SCHEMA, frame.wrap(buffer, 0, length));

        getVertexFrame();
        header.wrap(buffer, 0).version(MessageHeaderDecoder.SCHEMA_VERSION + 1);
        assertEquals(FrameHeader.VALID, frame.wrap(buffer, 0, length));
        assertEquals(Malformed.UNSUPPORTED_VERSION, frame.checkBody(GetVertexEncoder.BLOCK_LENGTH));

        getVertexFrame();
        frame.wrap(buffer, 0, length);
        assertEquals(Malformed.UNKNOWN_TEMPLATE, frame.checkBody(-1));
        assertEquals(Malformed.BAD_LENGTH, frame.checkBody(GetVertexEncoder.BLOCK_LENGTH + 1));
        frame.wrap(buffer, 0, length - 1);
        assertEquals(Malformed.TRUNCATED, frame.checkBody(GetVertexEncoder.BLOCK_LENGTH));
    }

    @Test
    void shouldAcceptOnlyVariableFieldsInsideTheFrame()
    {
        final int length = getVertexFrame();
        final int dataOffset = FrameHeader.LENGTH + GetVertexEncoder.BLOCK_LENGTH;
        buffer.putInt(dataOffset, 3, LITTLE_ENDIAN);
        frame.wrap(buffer, 0, length + 4 + 3);
        assertEquals(3, frame.varLength(dataOffset));

        frame.wrap(buffer, 0, length + 4 + 2);
        assertEquals(Malformed.TRUNCATED, FrameHeader.reasonOf(frame.varLength(dataOffset)));
        frame.wrap(buffer, 0, length + 2);
        assertEquals(Malformed.TRUNCATED, FrameHeader.reasonOf(frame.varLength(dataOffset)));

        buffer.putInt(dataOffset, -1, LITTLE_ENDIAN);
        frame.wrap(buffer, 0, length + 4);
        assertEquals(Malformed.BAD_LENGTH, FrameHeader.reasonOf(frame.varLength(dataOffset)));
    }

    private int getVertexFrame()
    {
        final GetVertexEncoder encoder = new GetVertexEncoder().wrapAndApplyHeader(buffer, 0, header);
        encoder.vertexId(7);
        return FrameHeader.LENGTH + encoder.encodedLength();
    }
}
