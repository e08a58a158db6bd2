export { TourBadge, TourProblems, useTourPlan } from './Tour.js';
