namespace Fillwise.MarketData;

/// <summary>A problem found in an input file, located precisely enough to go and look at it.</summary>
public sealed record DataIssue(string File, long Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}

/// <summary>A whole input cannot be used at all (missing, unreadable, wrong format). One clear sentence.</summary>
public sealed class DataFormatException(string message, Exception? inner = null) : Exception(message, inner);
