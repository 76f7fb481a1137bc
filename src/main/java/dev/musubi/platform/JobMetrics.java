package dev.musubi.platform;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Every scheduled job (retention, backups, mail queue, statistics, alerts…) is observed, so each
 * run shows in {@code tasks_scheduled_execution_seconds} with the job's class and method and
 * whether it failed: the operator sees a job that stopped running or keeps failing.
 */
@Configuration(proxyBeanMethods = false)
class JobMetrics implements SchedulingConfigurer {

  private final ObservationRegistry observations;

  JobMetrics(ObservationRegistry observations) {
    this.observations = observations;
  }

  @Override
  public void configureTasks(ScheduledTaskRegistrar registrar) {
    registrar.setObservationRegistry(observations);
  }
}
