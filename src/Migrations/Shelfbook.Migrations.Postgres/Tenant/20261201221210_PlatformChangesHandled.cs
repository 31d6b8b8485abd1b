using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class PlatformChangesHandled : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "handled_at",
                table: "platform_order_events",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_platform_order_events_waiting",
                table: "platform_order_events",
                column: "id",
                filter: "handled_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_platform_order_events_waiting",
                table: "platform_order_events");

            migrationBuilder.DropColumn(
                name: "handled_at",
                table: "platform_order_events");
        }
    }
}
