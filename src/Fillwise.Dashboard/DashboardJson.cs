using System.Text.Json.Serialization;

namespace Fillwise.Dashboard;

/// <summary><c>GET /api/symbols</c>: a run's latest health per symbol.</summary>
internal sealed record SymbolsResponse(string RunId, IReadOnlyList<Fillwise.Telemetry.SymbolHealth> Symbols);

/// <summary>Any run panel on an empty store.</summary>
internal sealed record EmptyStoreResponse(string? RunId, bool Empty, string Message);

/// <summary><c>GET /api/antiforgery</c>.</summary>
internal sealed record AntiforgeryResponse(string? Token, string Header);

/// <summary><c>POST /api/toggles/{symbol}</c>.</summary>
internal sealed record ToggleResponse(string Symbol, bool Enabled);

/// <summary><c>GET /api/session</c>.</summary>
internal sealed record SessionStatusResponse(bool Active, bool Killed, string[] Symbols, long Posted);

/// <summary><c>POST /api/session/kill</c>.</summary>
internal sealed record KillResponse(bool Killed, string Detail);

/// <summary><c>POST /api/session/signals</c>, accepted.</summary>
internal sealed record SignalAcceptedResponse(string Symbol, string? Side, decimal? Notional, decimal? Quantity, string Detail);

/// <summary>One message of the live feed (<c>/api/events</c>): the store's row counts.</summary>
internal sealed record ChangeMessage(long Health, long Parents, long Fills);

/// <summary>
/// The dashboard's own response shapes, generated at compile time (snake_case, as the API's options name them) so a
/// native (ahead-of-time compiled) build needs no reflection; the read model's are <see cref="Fillwise.Telemetry.ReadModelJson"/>.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SymbolsResponse))]
[JsonSerializable(typeof(EmptyStoreResponse))]
[JsonSerializable(typeof(AntiforgeryResponse))]
[JsonSerializable(typeof(ToggleResponse))]
[JsonSerializable(typeof(SessionStatusResponse))]
[JsonSerializable(typeof(KillResponse))]
[JsonSerializable(typeof(SignalAcceptedResponse))]
[JsonSerializable(typeof(ChangeMessage))]
internal sealed partial class DashboardJson : JsonSerializerContext;
