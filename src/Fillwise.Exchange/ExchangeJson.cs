using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fillwise.Exchange;

/// <summary>What <c>POST /admin/faults</c> answers: what it did and the faults still armed.</summary>
public sealed record FaultResult(int Dropped, int Expired, int Force429, int UnknownOutcome, long ClockSkewMs, long LatencyMs);

/// <summary>A refused admin request's body.</summary>
public sealed record FaultError(string Error);

/// <summary>
/// The admin endpoints' JSON (web defaults: camelCase, case-insensitive reading), generated at compile time so a native
/// (ahead-of-time compiled) build needs no reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ExchangeStatus))]
[JsonSerializable(typeof(FaultRequest))]
[JsonSerializable(typeof(FaultResult))]
[JsonSerializable(typeof(FaultError))]
[JsonSerializable(typeof(string))]
internal sealed partial class ExchangeJson : JsonSerializerContext;
