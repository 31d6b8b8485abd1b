using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class OrderSettingsAndGoodsAllocation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "category_ids",
                table: "allocation_rules",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "sku_codes",
                table: "allocation_rules",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.CreateTable(
                name: "order_settings",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    split_by_warehouse = table.Column<bool>(type: "INTEGER", nullable: false),
                    anomaly_below_cost_percent = table.Column<int>(type: "INTEGER", nullable: true),
                    anomaly_above = table.Column<long>(type: "INTEGER", nullable: true),
                    anomaly_currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    auto_merge = table.Column<bool>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_settings", x => x.id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_settings");

            migrationBuilder.DropColumn(
                name: "category_ids",
                table: "allocation_rules");

            migrationBuilder.DropColumn(
                name: "sku_codes",
                table: "allocation_rules");
        }
    }
}
