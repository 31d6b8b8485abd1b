using Microsoft.Playwright;
using Shelfbook.TestKit;

namespace Shelfbook.Browser.Tests;

/// <summary>
/// The app on a real port and the system Chromium, headless. Without Chromium every browser test is skipped and says why.
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public ShelfbookApp App { get; } = new ShelfbookApp(Db.Sqlite).WithKestrel();

    public IBrowser? Browser { get; private set; }

    public string? SkipReason { get; private set; }

    public string BaseUrl => App.ClientOptions.BaseAddress.ToString().TrimEnd('/');

    public static string? ChromiumPath()
    {
        var configured = Environment.GetEnvironmentVariable("SHELFBOOK_CHROMIUM");
        if (!string.IsNullOrWhiteSpace(configured)) return File.Exists(configured) ? configured : null;
        return File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null;
    }

    public async ValueTask InitializeAsync()
    {
        var chromium = ChromiumPath();
        if (chromium is null)
        {
            SkipReason = "No Chromium: install it (apt-get install chromium) or set SHELFBOOK_CHROMIUM to its path.";
            return;
        }
        await App.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // This machine has no internet: background networking only produces refused connections.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}
