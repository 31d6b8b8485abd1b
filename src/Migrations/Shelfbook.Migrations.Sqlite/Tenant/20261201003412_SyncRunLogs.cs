using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class SyncRunLogs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sync_run_logs",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    shop_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    finished_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    windows = table.Column<int>(type: "INTEGER", nullable: false),
                    pages = table.Column<int>(type: "INTEGER", nullable: false),
                    inserted = table.Column<int>(type: "INTEGER", nullable: false),
                    updated = table.Column<int>(type: "INTEGER", nullable: false),
                    quarantined = table.Column<int>(type: "INTEGER", nullable: false),
                    throttled = table.Column<int>(type: "INTEGER", nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sync_run_logs", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sync_run_logs_shop_id_started_at",
                table: "sync_run_logs",
                columns: new[] { "shop_id", "started_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sync_run_logs");
        }
    }
}
