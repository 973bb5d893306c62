using Fillwise.Core;

namespace Fillwise.Execution.Policies.Intel;

/// <summary>
/// Per-symbol state read on every market event and decision. The last entry found is remembered, so a run of
/// one symbol's events (most feeds) hashes no symbol name. Entries are only ever added, so the memo stays valid.
/// </summary>
internal sealed class SymbolMap<T>
    where T : class
{
    private readonly Dictionary<Symbol, T> _map = [];
    private Symbol _lastSymbol;
    private T? _last;

    public IEnumerable<KeyValuePair<Symbol, T>> All => _map;

    public T? Find(Symbol symbol)
    {
        if (_last is not null && _lastSymbol == symbol)
        {
            return _last;
        }
        if (!_map.TryGetValue(symbol, out var value))
        {
            return null;
        }
        _lastSymbol = symbol;
        _last = value;
        return value;
    }

    /// <summary>Adds a symbol's first entry and returns it (callers write <c>Find(s) ?? Add(s, new ...)</c>: no delegate on the path).</summary>
    public T Add(Symbol symbol, T value)
    {
        _map.Add(symbol, value);
        return value;
    }
}
