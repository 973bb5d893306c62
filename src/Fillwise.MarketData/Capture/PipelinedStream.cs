using System.Buffers;
using System.Collections.Concurrent;

namespace Fillwise.MarketData.Capture;

/// <summary>
/// Runs a (decompressing) source stream on its own thread and hands its output over in blocks through a
/// small bounded queue, so inflating the next block overlaps parsing the current one: on two cores the
/// reader then costs about max(inflate, parse) instead of their sum. Memory is bounded by the queue
/// (<see cref="Depth"/> blocks of <see cref="BlockSize"/> bytes), whatever the file's length.
/// A failure of the source (a truncated gzip) is re-thrown to the reader at the point it happened.
/// </summary>
internal sealed class PipelinedStream : Stream
{
    public const int BlockSize = 1 << 18;
    public const int Depth = 4;

    private readonly Stream _source;
    private readonly BlockingCollection<Block> _full = new(Depth);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _producer;
    private Block? _current;
    private int _offset;
    private bool _done;

    public PipelinedStream(Stream source)
    {
        _source = source;
        _producer = new Thread(Produce) { IsBackground = true, Name = "fillwise-inflate" };
        _producer.Start();
    }

    // A class, not a struct: the queue's generic code over a reference type is precompiled with the framework, where
    // over a struct it was compiled on every start (14 methods). One small object per 256 KB of data (the buffer itself
    // comes from the pool).
    private sealed record Block(byte[]? Buffer, int Length, Exception? Error);

    private static readonly Block End = new(null, 0, null);

    private void Produce()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
                var length = 0;
                Exception? error = null;
                try
                {
                    // Fill the block completely: GZipStream returns small reads, and fewer, fuller blocks mean less hand-over.
                    int read;
                    while (length < BlockSize && (read = _source.Read(buffer, length, BlockSize - length)) > 0)
                    {
                        length += read;
                    }
                }
                catch (Exception e) when (e is InvalidDataException or IOException)
                {
                    error = e;
                }
                if (length == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    _full.Add(new Block(null, 0, error), _stop.Token);
                    return;
                }
                _full.Add(new Block(buffer, length, null), _stop.Token);
                if (error is not null)
                {
                    _full.Add(new Block(null, 0, error), _stop.Token);
                    return;
                }
                if (length < BlockSize)
                {
                    _full.Add(End, _stop.Token);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed mid-file: the reader no longer wants the rest.
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (_done)
            {
                return 0;
            }
            if (_current is { Buffer: { } data } current && _offset < current.Length)
            {
                var n = Math.Min(buffer.Length, current.Length - _offset);
                data.AsSpan(_offset, n).CopyTo(buffer);
                _offset += n;
                return n;
            }
            Release();
            var next = _full.Take();
            if (next.Buffer is null)
            {
                _done = true;
                if (next.Error is { } error)
                {
                    throw new InvalidDataException(error.Message, error);
                }
                return 0;
            }
            _current = next;
            _offset = 0;
        }
    }

    private void Release()
    {
        if (_current?.Buffer is { } data)
        {
            ArrayPool<byte>.Shared.Return(data);
        }
        _current = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            _producer.Join();
            Release();
            while (_full.TryTake(out var block))
            {
                if (block.Buffer is { } data)
                {
                    ArrayPool<byte>.Shared.Return(data);
                }
            }
            _full.Dispose();
            _stop.Dispose();
            _source.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
