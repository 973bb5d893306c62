using System.CommandLine;
using System.Globalization;
using Fillwise.Cli.Runs;
using Fillwise.Core;
using Fillwise.Exchange;

namespace Fillwise.Cli;

/// <summary>`fillwise exchange`: a Binance USDⓈ-M compatible paper exchange on loopback over recorded tick data.</summary>
internal static class ExchangeCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var setup = new RunSetup();
        var speed = new Option<string>("--speed") { Description = "Replay seconds per wall second (1 = real time, 10 = ten times faster) or 'max'.", DefaultValueFactory = _ => "1" };
        var urls = new Option<string>("--urls") { Description = "Where to listen (loopback only unless --allow-non-loopback).", DefaultValueFactory = _ => new ExchangeOptions().Urls };
        var allowRemote = new Option<bool>("--allow-non-loopback") { Description = "Allow binding beyond loopback (plain http, one shared paper account: only on a trusted network)." };
        var apiKey = new Option<string?>("--api-key") { Description = $"The API key clients must send (default: FILLWISE_EXCHANGE_API_KEY or '{ExchangeOptions.DefaultApiKey}')." };
        var apiSecret = new Option<string?>("--api-secret") { Description = $"The secret signatures are checked with (default: FILLWISE_EXCHANGE_API_SECRET or '{ExchangeOptions.DefaultApiSecret}')." };
        var keyLifetime = new Option<string>("--listen-key-lifetime") { Description = "A listenKey expires this long after creation or its last keep-alive.", DefaultValueFactory = _ => "60m" };
        var weightLimit = new Option<int>("--weight-limit") { Description = "REQUEST_WEIGHT per minute before 429 (Binance: 2400).", DefaultValueFactory = _ => 2400 };
        var connectionLimit = new Option<int>("--connection-limit") { Description = "WebSocket connection attempts per IP in any 5 minutes before 429 (Binance: 300).", DefaultValueFactory = _ => 300 };
        var balance = new Option<decimal>("--balance") { Description = "Starting USDT wallet balance of the paper account.", DefaultValueFactory = _ => 100_000m };
        var command = new Command("exchange", "Serve a Binance USDⓈ-M compatible paper exchange (REST, market and user-data WebSockets) over recorded tick data, matched by the replay venue.");
        foreach (var option in new Option[] { setup.Capture, setup.CatalogDir, setup.Symbols, setup.From, setup.To, setup.SymbolFile, speed, urls, allowRemote, apiKey, apiSecret, keyLifetime, weightLimit, connectionLimit, balance })
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, ct) =>
        {
            var options = new ExchangeOptions
            {
                Urls = parse.GetValue(urls)!,
                AllowNonLoopback = parse.GetValue(allowRemote),
                ApiKey = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("FILLWISE_EXCHANGE_API_KEY") ?? ExchangeOptions.DefaultApiKey,
                ApiSecret = parse.GetValue(apiSecret) ?? Environment.GetEnvironmentVariable("FILLWISE_EXCHANGE_API_SECRET") ?? ExchangeOptions.DefaultApiSecret,
                Speed = Speed(parse.GetValue(speed)!),
                ListenKeyLifetime = Durations.Parse(parse.GetValue(keyLifetime)!, "--listen-key-lifetime"),
                RateLimits = new RateLimitOptions { WeightPerMinute = parse.GetValue(weightLimit), ConnectionsPer5Minutes = parse.GetValue(connectionLimit) },
                StartingBalance = parse.GetValue(balance),
            };
            // Options first: a bad --urls or --speed is refused before the input check reads the data.
            options.Validate();
            // Tick data only (klines have no order book), so --klines is not one of its options.
            if (parse.GetValue(setup.Capture) is not { Length: > 0 } && parse.GetValue(setup.CatalogDir) is null)
            {
                throw new UsageException("the paper exchange replays tick data: give --capture <files...> or --catalog DIR --symbols S,....");
            }
            var inputs = setup.Inputs(parse);
            if (inputs.Quality.Market != Market.UsdM)
            {
                // Its API, account and contracts are USDⓈ-M's (USDT-margined, linear): spot or inverse data would be served as something it is not.
                throw new UsageException($"the paper exchange serves Binance USDⓈ-M only; this data is {inputs.Quality.Market.Name()}: give USDⓈ-M captures (or a --catalog's usdm symbols).");
            }
            if (!inputs.Quality.IsClean || inputs.Quality.BookGaps > 0)
            {
                stderr.WriteLine($"fillwise: the data has {inputs.Quality.DataErrors:N0} data error(s) and {inputs.Quality.BookGaps:N0} book gap(s); they are replayed as recorded (a gap is a gap in the diff stream too).");
            }
            await using var server = ExchangeServer.Build(options, inputs.TickSources(), inputs.Quality.Symbols, inputs.Catalog);
            var address = await server.StartAsync(ct).ConfigureAwait(false);
            var ws = "ws" + address[4..];
            var symbols = string.Join(",", inputs.Quality.Symbols.Select(s => s.Value).Order(StringComparer.Ordinal));
            var span = TimeSpan.FromTicks((inputs.Quality.EndNs - inputs.Quality.StartNs) / 100);
            stdout.WriteLine($"exchange: {address}/fapi/v1/... and {ws}/stream?streams=..., {ws}/ws/<listenKey> — {symbols}, {span:hh\\:mm\\:ss} of recording at speed {parse.GetValue(speed)} — Ctrl+C to stop.");
            stdout.WriteLine($"exchange: API key {options.ApiKey}; faults: POST {address}/admin/faults (see README, 'Paper exchange').");
            _ = server.RecordingEnded.ContinueWith(
                _ =>
                {
                    var events = server.Status().EventsConsumed;
                    var seconds = Math.Max(server.ReplayedIn.TotalSeconds, 1e-3);
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exchange: the recording ended ({events:N0} events in {seconds:F1} s, {events / seconds:N0} events/s): market streams stopped; orders, queries and the user stream still work until Ctrl+C."));
                },
                ct, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            var stopped = await Task.WhenAny(ServeCommand.WaitForStop(ct), server.EngineStopped).ConfigureAwait(false);
            if (stopped == server.EngineStopped && server.EngineStopped.Exception?.InnerException is { } failure)
            {
                stderr.WriteLine($"fillwise: the exchange's engine stopped ({failure.GetType().Name}: {failure.Message}); requests are refused with 503. Set FILLWISE_DEBUG=1 and please report it.");
                return CliApp.ExitInternal;
            }
            var status = server.Status();
            stdout.WriteLine($"exchange: stopping after {status.EventsConsumed:N0} events and {status.MessagesPublished:N0} stream messages.");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static double Speed(string text)
    {
        if (text.Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            return double.PositiveInfinity;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0.001 && value <= 1e6
            ? value
            : throw new UsageException($"--speed must be a number between 0.001 and 1e6 (replay seconds per wall second) or 'max' (got '{text}').");
    }
}
