package org.quantbench.eval.tasks;

import org.quantbench.tensor.FileFormatException;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated records as Python's csv module writes them (RFC 4180): a field in double quotes may hold commas,
 * newlines and doubled quotes; a quote inside an unquoted field is literal. A record may span lines; its number is
 * the line it starts on, and its bytes together are capped like one line.
 */
final class CsvReader implements AutoCloseable {

    /** One record: the line it starts on and its fields. */
    record Record(int line, List<String> fields) {
    }

    private final LineReader lines;

    CsvReader(Path file) {
        this.lines = new LineReader(file);
    }

    Path file() { return lines.file(); }

    /** The next non-blank record, or null at the end of the file. */
    Record next() {
        byte[] first;
        do {
            first = lines.next();
            if (first == null) {
                return null;
            }
        } while (LineReader.isBlank(first));
        int start = lines.lineNumber();
        List<String> fields = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        byte[] text = first;
        long recordBytes = first.length;
        int i = 0;
        boolean quoted = false;
        boolean fieldStart = true;
        while (true) {
            if (i == text.length) {
                if (!quoted) {
                    fields.add(lines.decode(field.toByteArray(), start));
                    return new Record(start, List.copyOf(fields));
                }
                boolean crlf = lines.endedWithCr();
                text = lines.next();
                if (text == null) {
                    throw new FileFormatException(file(), "line " + start, "a quoted field is not closed before the end of the file");
                }
                recordBytes += text.length + 2;
                if (recordBytes > LineReader.MAX_LINE_BYTES) {
                    throw new FileFormatException(file(), "line " + start, "the record is longer than "
                            + LineReader.MAX_LINE_BYTES + " bytes (the cap for one item)");
                }
                // A line break inside quotes is part of the field, as written (CR LF or LF).
                if (crlf) {
                    field.write('\r');
                }
                field.write('\n');
                i = 0;
                continue;
            }
            byte b = text[i++];
            if (quoted) {
                if (b != '"') {
                    field.write(b);
                } else if (i < text.length && text[i] == '"') {
                    field.write('"');
                    i++;
                } else {
                    quoted = false;
                    if (i < text.length && text[i] != ',') {
                        throw new FileFormatException(file(), "line " + lines.lineNumber(),
                                "a closing quote is followed by text instead of a comma");
                    }
                }
            } else if (b == ',') {
                fields.add(lines.decode(field.toByteArray(), start));
                field.reset();
                fieldStart = true;
                continue;
            } else if (b == '"' && fieldStart) {
                quoted = true;
            } else {
                field.write(b);
            }
            fieldStart = false;
        }
    }

    @Override
    public void close() {
        lines.close();
    }
}
