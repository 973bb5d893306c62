namespace Fillwise.MarketData;

public enum DataFileKind
{
    Capture,
    Klines,
}

/// <summary>Tells a stream capture from a kline CSV by its first non-empty line, not by its name.</summary>
public static class FileSniffer
{
    public static DataFileKind Sniff(string path)
    {
        using var reader = new StreamReader(InputFiles.OpenMaybeGzip(path, out var gzip));
        string? line;
        try
        {
            while ((line = reader.ReadLine()) is not null && string.IsNullOrWhiteSpace(line))
            {
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException($"{path}: {(gzip ? "unreadable gzip data" : "unreadable data")} ({e.Message}).", e);
        }
        if (line is null)
        {
            throw new DataFormatException($"{path}: the file is empty.");
        }
        if (!gzip && line.StartsWith("PK\u0003\u0004", StringComparison.Ordinal))
        {
            throw new DataFormatException($"{path}: a zip archive: unpack it and pass the files inside.");
        }
        // Binary data first: random bytes can hold a comma, and must not pass for a kline CSV.
        if (line.Any(c => (char.IsControl(c) && c is not '\t') || c == '\uFFFD'))
        {
            throw new DataFormatException($"{path}: binary data{(gzip ? " inside the gzip" : string.Empty)}: expected a stream capture ('<timestamp> <json>' lines) or a kline CSV.");
        }
        var trimmed = line.TrimStart();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && trimmed[..space].All(char.IsAsciiDigit) && trimmed[(space + 1)..].TrimStart().StartsWith('{'))
        {
            return DataFileKind.Capture;
        }
        if (trimmed.Contains(',', StringComparison.Ordinal))
        {
            return DataFileKind.Klines;
        }
        throw new DataFormatException($"{path}: unknown format: expected a stream capture ('<timestamp> <json>' lines) or a kline CSV (open_time,open,high,low,close,volume).");
    }
}
