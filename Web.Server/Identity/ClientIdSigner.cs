using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Clap2Diffusion.Server.Identity;

/// <summary>
/// Client ids a client cannot make up: the id the server owns jobs by stays a plain random string, and what a client
/// holds (cookie or <c>X-Client-Id</c>) is that id protected with the Data Protection key ring, so only ids this
/// server issued read back.
/// </summary>
public sealed class ClientIdSigner(IDataProtectionProvider provider)
{
    /// <summary>Longer than any token this server issues; anything longer is refused unread.</summary>
    private const int MaxTokenLength = 512;

    private readonly IDataProtector _protector = provider.CreateProtector("Clap2Diffusion.ClientIds.v1");

    /// <summary>A new id and the token that carries it.</summary>
    public (string Id, string Token) Issue()
    {
        var id = ClientIds.NewId();
        return (id, Sign(id));
    }

    public string Sign(string id) => ClientIds.IsValid(id)
        ? _protector.Protect(id)
        : throw new ArgumentException("A client id is 8 to 64 letters, digits, '-' or '_'.", nameof(id));

    /// <summary>The id inside a token this server issued; null for anything else.</summary>
    public string? Read(string? token)
    {
        if (token is not { Length: > 0 and <= MaxTokenLength })
            return null;
        try
        {
            var id = _protector.Unprotect(token);
            return ClientIds.IsValid(id) ? id : null;
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
