using Fillwise.Mirror.Firestore;
using Google.Apis.Auth.OAuth2;
using Grpc.Core;
using Grpc.Net.Client;

namespace Fillwise.Mirror;

/// <summary>
/// A client of the real Firestore gRPC API. Emulator mode when FIRESTORE_EMULATOR_HOST is set (plaintext,
/// loopback, "Bearer owner", as Google's SDKs do); otherwise TLS to firestore.googleapis.com with OAuth2 access
/// tokens from the service-account key in GOOGLE_APPLICATION_CREDENTIALS.
/// </summary>
public sealed class FirestoreConnection : IDisposable
{
    private const string Scope = "https://www.googleapis.com/auth/datastore";
    private readonly GrpcChannel _channel;

    private FirestoreConnection(GrpcChannel channel, string projectId, string target, bool emulator)
    {
        _channel = channel;
        Client = new Firestore.Firestore.FirestoreClient(channel);
        Database = $"projects/{projectId}/databases/(default)";
        Target = target;
        IsEmulator = emulator;
    }

    public Firestore.Firestore.FirestoreClient Client { get; }
    public string Database { get; }
    public string Target { get; }
    public bool IsEmulator { get; }

    public string DocumentsRoot => Database + "/documents";

    public static FirestoreConnection Create(string projectId, string? emulatorHost = null, string? credentialsPath = null)
    {
        emulatorHost ??= Environment.GetEnvironmentVariable("FIRESTORE_EMULATOR_HOST");
        if (!string.IsNullOrWhiteSpace(emulatorHost))
        {
            if (!Uri.TryCreate("http://" + emulatorHost, UriKind.Absolute, out var uri) || !IsLoopback(uri.Host))
            {
                throw new MirrorConfigException($"FIRESTORE_EMULATOR_HOST '{emulatorHost}' must be host:port on loopback (the emulator is plaintext).");
            }
            var emulatorChannel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
            {
                Credentials = ChannelCredentials.Insecure,
                UnsafeUseInsecureChannelCallCredentials = true,
            });
            return new FirestoreConnection(emulatorChannel, projectId, uri.ToString(), emulator: true);
        }
        credentialsPath ??= Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
        if (string.IsNullOrWhiteSpace(credentialsPath))
        {
            throw new MirrorConfigException("neither FIRESTORE_EMULATOR_HOST nor GOOGLE_APPLICATION_CREDENTIALS is set.");
        }
        ServiceAccountCredential credential;
        try
        {
            credential = CredentialFactory.FromFile<ServiceAccountCredential>(credentialsPath);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or Newtonsoft.Json.JsonException or UnauthorizedAccessException)
        {
            throw new MirrorConfigException($"{credentialsPath}: not a readable service-account key ({e.Message.Split('\n')[0]}).", e);
        }
        var scoped = credential.ToGoogleCredential().CreateScoped(Scope);
        var tokens = CallCredentials.FromInterceptor(async (context, metadata) =>
        {
            var token = await ((ITokenAccess)scoped).GetAccessTokenForRequestAsync(cancellationToken: context.CancellationToken).ConfigureAwait(false);
            metadata.Add("authorization", "Bearer " + token);
        });
        var channel = GrpcChannel.ForAddress("https://firestore.googleapis.com", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(new SslCredentials(), tokens),
        });
        return new FirestoreConnection(channel, projectId, "https://firestore.googleapis.com", emulator: false);
    }

    /// <summary>Call options: the emulator's owner token, a deadline.</summary>
    public CallOptions Call(TimeProvider time, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var headers = new Metadata { { "google-cloud-resource-prefix", Database } };
        if (IsEmulator)
        {
            headers.Add("authorization", "Bearer owner");
        }
        return new CallOptions(headers, time.GetUtcNow().UtcDateTime.Add(timeout), cancellationToken);
    }

    public void Dispose() => _channel.Dispose();

    private static bool IsLoopback(string host) =>
        host is "localhost" || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
