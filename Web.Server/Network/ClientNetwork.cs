using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Network;

/// <summary>
/// The client address as the limits see it: the connection's, or the one a known proxy forwarded (the forwarded
/// headers middleware has put it on the connection by then). An IPv6 client counts as its /64, since one host is
/// handed a whole /64 and could otherwise step through it.
/// </summary>
public sealed class ClientNetwork(IOptions<NetworkOptions> options)
{
    private readonly IPNetwork[] _exempt = options.Value.ExemptNetworks.Select(n => IPNetwork.Parse(n)).ToArray();

    public bool IsExempt(IPAddress? address) =>
        address is not null && _exempt.Any(network => network.Contains(address) || address.IsIPv4MappedToIPv6 && network.Contains(address.MapToIPv4()));

    /// <summary>The partition key of the request's address, or null when its network is exempt.</summary>
    public string? PartitionOf(HttpContext context) => IsExempt(context.Connection.RemoteIpAddress) ? null : AddressOf(context);

    /// <summary>The request's address as the limits count it, exempt or not.</summary>
    public string AddressOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4().ToString();
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? new IPNetwork(Prefix64(address), 64).ToString() : address.ToString();
    }

    private static IPAddress Prefix64(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
