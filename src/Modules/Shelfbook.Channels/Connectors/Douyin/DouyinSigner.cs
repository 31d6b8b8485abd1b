// MD5 and HMAC-MD5 are what the platform's signing scheme prescribes; they protect nothing of ours.
#pragma warning disable CA5351
using System.Security.Cryptography;
using System.Text;

namespace Shelfbook.Channels.Connectors.Douyin;

/// <summary>
/// Douyin (抖店) signing (platform-apis.md §4): secret + "app_key"+key + "method"+method + "param_json"+json +
/// "timestamp"+ts + "v"+"2" + secret (the access token is not signed); <c>hmac-sha256</c> keyed by the secret or plain
/// <c>md5</c>, lower-case hex. <paramref name="paramJson"/> must already have sorted keys, no whitespace and no HTML
/// escaping (<see cref="SortedJson"/>).
/// </summary>
public static class DouyinSigner
{
    public static string Sign(string appKey, string secret, string method, string paramJson, string timestamp, string signMethod = "hmac-sha256")
    {
        var text = $"{secret}app_key{appKey}method{method}param_json{paramJson}timestamp{timestamp}v2{secret}";
        var bytes = Encoding.UTF8.GetBytes(text);
        var hash = signMethod switch
        {
            "hmac-sha256" => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), bytes),
            "md5" => MD5.HashData(bytes),
            _ => throw new ArgumentException($"Douyin has no sign_method '{signMethod}'.", nameof(signMethod)),
        };
        return Convert.ToHexStringLower(hash);
    }
}
