using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MarketingActors.Core.Governance;

/// <summary>
/// Bearer tokens "ma_&lt;key id&gt;_&lt;secret&gt;" (browser sessions: "ms_…"): the id (12 hex) finds
/// the stored record in O(1); only the SHA-256 of the 32-byte random secret is stored, compared in
/// constant time.
/// </summary>
public static class ApiKeyTokens
{
    public const string KeyPrefix = "ma_";
    public const string SessionPrefix = "ms_";
    private const int PrefixLength = 3;
    private const int KeyIdLength = 12;
    private const int SecretLength = 43; // 32 bytes, base64url without padding

    public static (string KeyId, string Token, string SecretHash) Issue(string prefix = KeyPrefix)
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (keyId, $"{prefix}{keyId}_{secret}", Hash(secret));
    }

    public static bool TryParse(string? token, out string keyId, out string secret, string prefix = KeyPrefix)
    {
        keyId = secret = "";
        if (token is null || token.Length != PrefixLength + KeyIdLength + 1 + SecretLength || !token.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var id = token.AsSpan(PrefixLength, KeyIdLength);
        if (token[PrefixLength + KeyIdLength] != '_' || id.ContainsAnyExcept("0123456789abcdef")) return false;
        var rest = token[(PrefixLength + KeyIdLength + 1)..];
        if (!Base64Url.IsValid(rest, out var decoded) || decoded != 32) return false;
        keyId = id.ToString();
        secret = rest;
        return true;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(storedHash));
}
