using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MarketingActors.Governance;

/// <summary>
/// Bearer tokens "ma_&lt;key id&gt;_&lt;secret&gt;": the key id (12 hex) finds the stored record in O(1);
/// only the SHA-256 of the 32-byte random secret is stored, compared in constant time.
/// </summary>
public static class ApiKeyTokens
{
    private const string Prefix = "ma_";
    private const int KeyIdLength = 12;
    private const int SecretLength = 43; // 32 bytes, base64url without padding

    public static (string KeyId, string Token, string SecretHash) Issue()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (keyId, $"{Prefix}{keyId}_{secret}", Hash(secret));
    }

    public static bool TryParse(string? token, out string keyId, out string secret)
    {
        keyId = secret = "";
        if (token is null || token.Length != Prefix.Length + KeyIdLength + 1 + SecretLength || !token.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var id = token.AsSpan(Prefix.Length, KeyIdLength);
        if (token[Prefix.Length + KeyIdLength] != '_' || id.ContainsAnyExcept("0123456789abcdef")) return false;
        var rest = token[(Prefix.Length + KeyIdLength + 1)..];
        if (!Base64Url.IsValid(rest, out var decoded) || decoded != 32) return false;
        keyId = id.ToString();
        secret = rest;
        return true;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(storedHash));
}
