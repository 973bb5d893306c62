using System.Text.Json.Serialization;

namespace Fillwise.Telemetry;

/// <summary>
/// The read model's JSON (snake_case, as the dashboard's API and <c>intel show --json</c> print it), generated at
/// compile time so a native (ahead-of-time compiled) build needs no reflection. A parent's detail is a column map:
/// its values are the store's column types, listed here.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IReadOnlyList<RunRow>))]
[JsonSerializable(typeof(IReadOnlyList<SymbolHealth>))]
[JsonSerializable(typeof(ScoreRow))]
[JsonSerializable(typeof(IReadOnlyList<OffsetRow>))]
[JsonSerializable(typeof(HourlyTable))]
[JsonSerializable(typeof(IReadOnlyList<HourCell>))]
[JsonSerializable(typeof(IReadOnlyList<ParentRow>))]
[JsonSerializable(typeof(CalibrationView))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, bool>))]
[JsonSerializable(typeof(StoreVersion))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(List<Dictionary<string, object?>>))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(short))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(float))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(byte[]))]
[JsonSerializable(typeof(DateTime))]
[JsonSerializable(typeof(DateTimeOffset))]
public sealed partial class ReadModelJson : JsonSerializerContext;
