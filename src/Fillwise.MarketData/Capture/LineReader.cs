using System.Buffers;

namespace Fillwise.MarketData.Capture;

/// <summary>
/// Splits a byte stream into lines over one pooled buffer that grows only for longer lines (REST
/// snapshots are ~50 KB). Lines are handed out as spans into that buffer: no per-line allocation.
/// </summary>
internal sealed class LineReader : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;

    public LineReader(Stream stream, int initialBufferSize = 1 << 17)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(initialBufferSize);
    }

    /// <summary>Set when the underlying stream failed mid-way (e.g. a truncated gzip member).</summary>
    public string? StreamError { get; private set; }

    /// <summary>Returns false at the end. <paramref name="terminated"/> is false for a final line without a newline.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line, out bool terminated)
    {
        while (true)
        {
            var window = _buffer.AsSpan(_start, _end - _start);
            var newline = window.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = TrimCarriageReturn(window[..newline]);
                terminated = true;
                _start += newline + 1;
                return true;
            }
            if (_eof)
            {
                if (window.IsEmpty)
                {
                    line = default;
                    terminated = false;
                    return false;
                }
                line = TrimCarriageReturn(window);
                terminated = false;
                _start = _end;
                return true;
            }
            Fill();
        }
    }

    /// <summary>The bytes buffered ahead of the next line, reading one block first if nothing is buffered (for sniffing a file's head).</summary>
    public ReadOnlySpan<byte> Peek()
    {
        if (_end == _start && !_eof)
        {
            Fill();
        }
        return _buffer.AsSpan(_start, _end - _start);
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        int read;
        try
        {
            read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            StreamError = e.Message;
            read = 0;
        }
        if (read == 0)
        {
            _eof = true;
        }
        _end += read;
    }

    public void Dispose()
    {
        _stream.Dispose();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
