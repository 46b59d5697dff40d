using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Clap2Diffusion.Server.Network;

/// <summary>
/// The "Network" section: which proxies may tell the server a client's address, which networks the per-address
/// limits leave alone, and those limits. Each limit counts requests from one client address per <see cref="Window"/>,
/// on top of the per-client limits, so ids a client asks for afresh do not buy it more.
/// </summary>
public sealed class NetworkOptions : IValidatableObject
{
    public const string Section = "Network";

    /// <summary>
    /// Addresses (or networks, "10.0.0.0/8") of reverse proxies whose <c>X-Forwarded-For</c> and
    /// <c>X-Forwarded-Proto</c> are believed. Empty: the connection's address is the client's.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks ("127.0.0.0/8", "::1/128") the per-address limits do not apply to; empty by default.</summary>
    public string[] ExemptNetworks { get; set; } = [];

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Client ids one address may be issued per window, by <c>POST /api/clients</c> and first page loads together.</summary>
    [Range(1, 1_000_000)]
    public int ClientIdsPerAddress { get; set; } = 30;

    /// <summary>Job submissions through the API one address may make per window.</summary>
    [Range(1, 1_000_000)]
    public int SubmissionsPerAddress { get; set; } = 30;

    /// <summary>Clip uploads through the API one address may make per window.</summary>
    [Range(1, 1_000_000)]
    public int UploadsPerAddress { get; set; } = 30;

    /// <summary>Sign-in attempts one address may make per window.</summary>
    [Range(1, 1_000_000)]
    public int SignInsPerAddress { get; set; } = 10;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _) && !IPNetwork.TryParse(p, out _)))
            yield return new ValidationResult($"'{proxy}' is neither an address nor a network such as 10.0.0.0/8.", [nameof(KnownProxies)]);
        foreach (var network in ExemptNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
            yield return new ValidationResult($"'{network}' is not a network such as 127.0.0.0/8 or ::1/128.", [nameof(ExemptNetworks)]);
    }
}
