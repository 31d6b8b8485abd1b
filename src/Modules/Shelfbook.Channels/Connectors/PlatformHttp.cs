using System.Net;
using System.Text.Json;

namespace Shelfbook.Channels.Connectors;

/// <summary>The HTTP part every connector shares: a status or a body that is not JSON becomes a classified platform failure.</summary>
public static class PlatformHttp
{
    public static async Task<JsonDocument> PostFormAsync(ConnectorContext context, IEnumerable<KeyValuePair<string, string?>> form, CancellationToken ct)
    {
        using var content = new FormUrlEncodedContent(form.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string>(p.Key, p.Value!)));
        using var request = new HttpRequestMessage(HttpMethod.Post, context.BaseUrl) { Content = content };
        return await SendAsync(context, request, ct);
    }

    public static async Task<JsonDocument> SendAsync(ConnectorContext context, HttpRequestMessage request, CancellationToken ct) =>
        (await SendForResponseAsync(context, request, ct)).Body;

    /// <summary>
    /// For REST platforms whose answer is in the status as much as in the body: throttling (429), server faults (5xx),
    /// a body that is not JSON and credentials refused without a JSON body are thrown as classified failures; any other
    /// status comes back with its JSON body and headers for the connector to read.
    /// </summary>
    public static async Task<PlatformResponse> SendForResponseAsync(ConnectorContext context, HttpRequestMessage request, CancellationToken ct)
    {
        var (http, clock) = (context.Http, System.Diagnostics.Stopwatch.StartNew());
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new PlatformCallException(PlatformFailure.Server, "network", $"{request.RequestUri?.Host}: {e.Message}", inner: e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new PlatformCallException(PlatformFailure.Server, "timeout", $"{request.RequestUri?.Host} did not answer in time.", inner: e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            context.Timings.AddHttp(clock.Elapsed);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                throw new PlatformCallException(PlatformFailure.Throttled, "429", "The platform throttled the call (HTTP 429).", RetryAfter(response));
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && !LooksLikeJson(text))
                throw new PlatformCallException(PlatformFailure.Authorization, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), $"The platform refused the credentials (HTTP {(int)response.StatusCode}).");
            // An empty answer otherwise (a 204, a bare 404) reads as an empty object; the status says the rest.
            if (text.Length == 0) text = "{}";
            if (!LooksLikeJson(text))
                throw new PlatformCallException(PlatformFailure.Server, "not_json",
                    $"The platform answered HTTP {(int)response.StatusCode} with {(text.TrimStart().StartsWith('<') ? "HTML" : "text")} instead of JSON: {Start(text)}");
            if ((int)response.StatusCode >= 500)
                throw new PlatformCallException(PlatformFailure.Server, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), $"The platform failed (HTTP {(int)response.StatusCode}): {Start(text)}");
            try
            {
                clock.Restart();
                var document = JsonDocument.Parse(text);
                context.Timings.AddParse(clock.Elapsed);
                return new PlatformResponse(response.StatusCode, document,
                    response.Headers.TryGetValues("Link", out var links) ? string.Join(", ", links) : null, response.Headers.Location);
            }
            catch (JsonException e)
            {
                throw new PlatformCallException(PlatformFailure.Server, "bad_json", $"The platform's answer is not valid JSON: {e.Message}", inner: e);
            }
        }
    }

    /// <summary>
    /// How long a throttled caller waits: the <c>Retry-After</c> header, or one token's refill time from Amazon's
    /// <c>x-amzn-RateLimit-Limit</c> (requests a second), or a second.
    /// </summary>
    private static TimeSpan RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta) return delta;
        if (response.Headers.TryGetValues("x-amzn-RateLimit-Limit", out var limits)
            && double.TryParse(limits.FirstOrDefault(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rate) && rate > 0)
            return TimeSpan.FromSeconds(Math.Clamp(1 / rate, 1, 120));
        return TimeSpan.FromSeconds(1);
    }

    private static bool LooksLikeJson(string text) => text.TrimStart() is { Length: > 0 } t && (t[0] == '{' || t[0] == '[');

    private static string Start(string text) => text.Length > 200 ? text[..200] + "…" : text;
}

/// <summary>A platform's answer: status, JSON body, the <c>Link</c> header (cursor paging) and <c>Location</c>.</summary>
public sealed record PlatformResponse(HttpStatusCode Status, JsonDocument Body, string? Link, Uri? Location) : IDisposable
{
    public void Dispose() => Body.Dispose();
}
