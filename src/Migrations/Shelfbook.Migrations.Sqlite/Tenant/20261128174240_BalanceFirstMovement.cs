using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class BalanceFirstMovement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "first_movement_at",
                table: "stock_balances",
                type: "TEXT",
                nullable: true);

            // Balances that exist already start from their first movement.
            migrationBuilder.Sql(
                "UPDATE stock_balances SET first_movement_at = (SELECT MIN(m.at) FROM stock_movements m " +
                "WHERE m.warehouse_id = stock_balances.warehouse_id AND m.sku_id = stock_balances.sku_id AND m.condition = stock_balances.condition)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "first_movement_at",
                table: "stock_balances");
        }
    }
}
