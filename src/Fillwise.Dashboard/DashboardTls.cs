using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fillwise.Dashboard;

/// <summary>The certificate for https:// URLs and one line saying where it came from (the serve command prints it).</summary>
public sealed record DashboardTls(X509Certificate2 Certificate, string Description)
{
    /// <summary>Null when no URL is https.</summary>
    public static DashboardTls? For(DashboardOptions options, TimeProvider time)
    {
        var uris = options.BoundUris();
        if (!uris.Any(u => u.Scheme == "https"))
        {
            return null;
        }
        if (options.CertificatePath is { } path)
        {
            X509Certificate2 loaded;
            try
            {
                loaded = X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
            }
            catch (CryptographicException e)
            {
                throw new ArgumentException($"--cert: {path} is not a PKCS#12 (.pfx) certificate with a private key, or --cert-password is wrong ({e.Message.TrimEnd('.')}).", e);
            }
            if (!loaded.HasPrivateKey)
            {
                loaded.Dispose();
                throw new ArgumentException($"--cert: {path} has no private key.");
            }
            return new DashboardTls(loaded, $"https with the certificate in {path} ({loaded.Subject}, SHA-256 {loaded.GetCertHashString(HashAlgorithmName.SHA256)})");
        }
        var hosts = uris.Select(u => u.Host).ToList();
        var certificate = SelfSigned(hosts, time.GetUtcNow());
        return new DashboardTls(certificate,
            $"https with a self-signed certificate generated in-process for localhost, 127.0.0.1, ::1{string.Concat(hosts.Where(h => !DashboardOptions.IsLoopback(h)).Select(h => ", " + h))} " +
            $"(SHA-256 {certificate.GetCertHashString(HashAlgorithmName.SHA256)}; browsers will warn: pass --cert file.pfx for a trusted one)");
    }

    /// <summary>
    /// A self-signed server certificate valid for 30 days for loopback and the hosts bound. Made with
    /// CertificateRequest in memory, then round-tripped through PKCS#12 so the TLS stack gets a persisted key.
    /// </summary>
    public static X509Certificate2 SelfSigned(IEnumerable<string> hosts, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fillwise dashboard", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var host in hosts.Select(h => h.Trim('[', ']')).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(host, out var ip))
            {
                if (!IPAddress.IsLoopback(ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any))
                {
                    names.AddIpAddress(ip);
                }
            }
            else if (!host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                names.AddDnsName(host);
            }
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var ephemeral = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
