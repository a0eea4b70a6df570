"""Traffic data: schedules of arrivals and synthetic tickets (anonymisation comes with issue 3)."""
