using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Sandbox;
using Xunit;

namespace Shelfbook.TestKit;

/// <summary>
/// The platform sandbox on a real loopback port for a whole test run: connectors reach it over HTTP. Each test project
/// derives its own fixture class from it (an assembly fixture is named by its concrete type).
/// </summary>
public abstract class PlatformSandbox : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = null!;

    public SandboxState State => _app!.Services.GetRequiredService<SandboxState>();

    public HttpClient Control { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _app = SandboxApp.Build(["--urls", "http://127.0.0.1:0"]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address);
        Control = new HttpClient { BaseAddress = BaseUrl };
    }

    public async ValueTask DisposeAsync()
    {
        Control.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    public async Task PostAsync(string path, object body)
    {
        using var response = await Control.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        response.EnsureSuccessStatusCode();
    }

    public async Task<T> PostAsync<T>(string path, object body)
    {
        using var response = await Control.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }
}
