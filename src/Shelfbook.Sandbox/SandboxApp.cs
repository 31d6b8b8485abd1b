using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Shelfbook.Sandbox;

/// <summary>
/// The platform sandbox: each platform's API on its own path prefix (<c>/taobao/router/rest</c> …), speaking its wire
/// format, plus a control API under <c>/_sandbox</c> to seed sellers and orders, inject faults, move the clock and read
/// what it received. Runs on its own or inside tests and the demo.
/// </summary>
public static class SandboxApp
{
    public static WebApplication Build(string[]? args = null, SandboxState? state = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.Services.AddSingleton(state ?? new SandboxState());
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        var app = builder.Build();
        Taobao.TopGateway.Map(app);
        Pinduoduo.PddGateway.Map(app);
        Douyin.DouyinGateway.Map(app);
        Shopify.ShopifyGateway.Map(app);
        Ebay.EbayGateway.Map(app);
        Amazon.AmazonGateway.Map(app);
        Jd.JdGateway.Map(app);
        Carriers.CarrierGateway.Map(app);
        Control.Map(app);
        return app;
    }
}
